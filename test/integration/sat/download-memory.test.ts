import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { startGeneratedSat, type GeneratedSat } from '../../../bench/support/generated-sat';

const root = path.join(__dirname, '../../..');
const size = 300 * 1024 * 1024;

/*
 * The memory promise, as behaviour: a 300 MB package crosses the SAT client (HTTP, SOAP
 * parsing, base64 decoding) in a process whose peak RSS stays under 250 MB. The client runs in a child
 * process, so that neither Jest's memory nor the generating server's blurs the figure. The child reads
 * its peak from the kernel's high-water mark of its own image: getrusage's maxRSS would carry over the
 * size of the Jest worker it was forked from (a CI run reported 375 MB for a client that peaks near
 * 100 MB).
 */
describe('streaming download', () => {
  let sat: GeneratedSat;

  beforeAll(async () => {
    sat = await startGeneratedSat(size);
  });
  afterAll(async () => {
    await sat.close();
  });

  it('moves a 300 MB package intact with a peak RSS under 250 MB', async () => {
    const run = await promisify(execFile)(
      process.execPath,
      [
        '--require',
        require.resolve('tsx/cjs'),
        path.join(root, 'bench/download-stream.ts'),
        '300',
        '--url',
        sat.url,
        '--json',
      ],
      {
        cwd: root,
        env: {
          PATH: process.env.PATH,
          TSX_TSCONFIG_PATH: path.join(root, 'tsconfig.json'),
        },
        encoding: 'utf8',
        timeout: 180_000,
      },
    );
    expect(run.stderr).toBe('');
    const result = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as {
      receivedBytes: number;
      sha256: string;
      peakRssMb: number;
    };
    // Printed on failure: heap (retained objects) vs external (buffers not yet released) at the peak.
    if (result.peakRssMb >= 250) console.error(run.stdout);
    expect(result.receivedBytes).toBe(size);
    expect(result.sha256).toBe(sat.sha256());
    expect(result.peakRssMb).toBeLessThan(250);
  });
});
