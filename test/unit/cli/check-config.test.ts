import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCliProcess } from '../../helpers/cli';

describe('descarga-masiva check-config', () => {
  it('prints one line naming the bad variable and exits with code 2', () => {
    const result = runCliProcess(['check-config'], { PORT: 'not-a-port' });
    expect(result.status).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/DM-1001 .*PORT/);
  });

  it('reads .env, lets the real environment win and never prints secrets', () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'dm-cli-'));
    const masterKey = Buffer.alloc(32, 3).toString('base64');
    writeFileSync(path.join(directory, '.env'), `PORT=9999\nLOG_LEVEL=debug\nMASTER_KEY=${masterKey}\n`);
    const result = runCliProcess(['check-config'], { LOG_LEVEL: 'warn' }, directory);
    expect(result.status).toBe(0);
    const printed = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(printed).toMatchObject({ port: 9999, logLevel: 'warn', masterKey: '[REDACTED]' });
    expect(result.stdout).not.toContain(masterKey);
  });

  it('answers --help with the command list', () => {
    const result = runCliProcess(['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('check-config');
  });
});
