import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WebUserService } from '../../../src/services/web-access';
import { runCliProcess } from '../../helpers/cli';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import { createTenant } from '../../helpers/stored-packages';

describe('descarga-masiva web-user create|list', () => {
  let database: TestDatabase;
  let directory: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    database = await createTestDatabase('dm_cli_web_user');
    await createTenant(database.dataSource, 'acme');
    directory = mkdtempSync(path.join(tmpdir(), 'dm-cli-web-user-'));
    env = {
      DATABASE_URL: database.url,
      MASTER_KEY: Buffer.alloc(32, 4).toString('base64'),
      DATA_DIR: directory,
    };
  });

  afterAll(async () => {
    await database.drop();
    rmSync(directory, { recursive: true, force: true });
  });

  it('creates an administrator from a password file and from standard input; the password signs in', async () => {
    const file = path.join(directory, 'password.txt');
    writeFileSync(file, 'clave-de-ana\n');
    const fromFile = runCliProcess(
      [
        'web-user',
        'create',
        'ana@acme.mx',
        '--tenant',
        'acme',
        '--admin',
        '--name',
        'Ana',
        '--password-file',
        file,
      ],
      env,
    );
    expect(fromFile.status).toBe(0);
    expect(fromFile.stdout).toContain('Web user ana@acme.mx (admin) created in tenant acme.');
    expect(fromFile.stdout + fromFile.stderr).not.toContain('clave-de-ana');
    const fromStdin = runCliProcess(
      ['web-user', 'create', 'beto', '--tenant', 'acme', '--password-stdin'],
      env,
      undefined,
      'clave-de-beto\n',
    );
    expect(fromStdin.status).toBe(0);
    const users = new WebUserService(database.dataSource, { maxFailures: 5, lockoutMinutes: 15 });
    await expect(users.authenticate('ana@acme.mx', 'clave-de-ana')).resolves.toMatchObject({ role: 'admin' });
    await expect(users.authenticate('BETO', 'clave-de-beto')).resolves.toMatchObject({ role: 'user' });

    const listed = runCliProcess(['web-user', 'list', '--tenant', 'acme'], env);
    expect(listed.status).toBe(0);
    expect(listed.stdout.trim().split('\n')).toHaveLength(2);
    expect(listed.stdout).toMatch(/^ana@acme\.mx\tadmin\tactive\tlast sign-in \d{4}-/m);
    expect(listed.stdout).not.toContain('scrypt');
  });

  it('refuses a password on the command line, a duplicate login and an unknown tenant', () => {
    const argument = runCliProcess(
      ['web-user', 'create', 'carla', '--tenant', 'acme', '--password', 'x'],
      env,
    );
    expect(argument.status).toBe(2);
    const none = runCliProcess(['web-user', 'create', 'carla', '--tenant', 'acme'], env);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('--password-file');
    const file = path.join(directory, 'otra.txt');
    writeFileSync(file, 'otra-clave');
    const duplicate = runCliProcess(
      ['web-user', 'create', 'ANA@acme.mx', '--tenant', 'acme', '--password-file', file],
      env,
    );
    expect(duplicate.status).toBe(1);
    expect(duplicate.stderr).toContain('DM-4002');
    const tenant = runCliProcess(
      ['web-user', 'create', 'dora', '--tenant', 'nadie', '--password-file', file],
      env,
    );
    expect(tenant.status).toBe(1);
  });
});
