import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FielVault, SecretBox, masterKeyFrom } from '../../../src/services/secrets';
import { runCliProcess, type CliResult } from '../../helpers/cli';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import { createTenant } from '../../helpers/stored-packages';
import { TestCa, type MintedCredential } from '../../helpers/test-ca';

const DAY_MS = 86_400_000;
const masterKey = Buffer.alloc(32, 9).toString('base64');
const RFC = 'FIE850101AB1';

/** The credential written out as an operator receives it from SAT: .cer, .key and a password file. */
function writeCredential(directory: string, name: string, credential: MintedCredential) {
  const files = {
    cer: path.join(directory, `${name}.cer`),
    key: path.join(directory, `${name}.key`),
    password: path.join(directory, `${name}-password.txt`),
  };
  writeFileSync(files.cer, credential.certificate);
  writeFileSync(files.key, credential.privateKey);
  // `echo secret > file` leaves a line break the password does not have.
  writeFileSync(files.password, `${credential.password}\n`);
  return files;
}

/** Neither output may carry the password or the key, in any encoding an accident could produce. */
function expectNoSecrets(result: CliResult, credential: MintedCredential): void {
  for (const output of [result.stdout, result.stderr]) {
    expect(output).not.toContain(credential.password);
    expect(output).not.toContain(credential.privateKey.toString('base64').slice(0, 40));
    expect(output).not.toContain(credential.privateKey.toString('hex').slice(0, 40));
    expect(output).not.toContain('PRIVATE KEY');
  }
}

describe('descarga-masiva fiel add|list|remove', () => {
  let database: TestDatabase;
  let directory: string;
  let env: NodeJS.ProcessEnv;
  const ca = new TestCa();
  const fiel = ca.mint({ rfc: RFC, name: 'FIEL DE PRUEBA SA DE CV' });
  /** `fiel add` of a credential's files, the password read from its file. */
  const addFiel = (tenant: string, credential: { cer: string; key: string; password: string }) =>
    runCliProcess(
      [
        'fiel',
        'add',
        '--tenant',
        tenant,
        '--cer',
        credential.cer,
        '--key',
        credential.key,
        '--password-file',
        credential.password,
      ],
      env,
    );

  beforeAll(async () => {
    database = await createTestDatabase('dm_cli_fiel');
    await createTenant(database.dataSource, 'acme');
    await createTenant(database.dataSource, 'vecino');
    directory = mkdtempSync(path.join(tmpdir(), 'dm-cli-fiel-'));
    env = { DATABASE_URL: database.url, MASTER_KEY: masterKey, DATA_DIR: directory };
  });

  afterAll(async () => {
    await database.drop();
    rmSync(directory, { recursive: true, force: true });
  });

  it('adds a FIEL from a password file, prints its public facts only, and seals it in the vault', async () => {
    const files = writeCredential(directory, 'fiel', fiel);
    const result = addFiel('acme', files);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`e.firma (FIEL) of ${RFC} stored in tenant acme.`);
    expect(result.stdout).toMatch(/Name:\s+FIEL DE PRUEBA SA DE CV/);
    expect(result.stdout).toMatch(new RegExp(`Certificate number:\\s+${fiel.certificateNumber}`));
    expect(result.stdout).toMatch(/Valid from:\s+\d{4}-\d{2}-\d{2}T/);
    expect(result.stdout).toMatch(/Valid to:\s+\d{4}-\d{2}-\d{2}T/);
    expectNoSecrets(result, fiel);

    const tenant = await database.dataSource.query<{ id: string }[]>(
      `SELECT id FROM tenants WHERE slug = 'acme'`,
    );
    const box = new SecretBox(masterKeyFrom(Buffer.from(masterKey, 'base64')), []);
    const stored = await new FielVault(database.dataSource, box).load(tenant[0]?.id ?? '', RFC);
    expect(stored?.password).toBe(fiel.password);
    expect(stored?.privateKey.equals(fiel.privateKey)).toBe(true);
    expect(stored?.serial).toBe(fiel.certificateNumber);
  });

  it('reads the password from standard input with --password-stdin', () => {
    const other = ca.mint({ rfc: 'STD900101AA1' });
    const files = writeCredential(directory, 'stdin', other);
    const result = runCliProcess(
      ['fiel', 'add', '--tenant', 'vecino', '--cer', files.cer, '--key', files.key, '--password-stdin'],
      env,
      undefined,
      `${other.password}\n`,
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('e.firma (FIEL) of STD900101AA1 stored in tenant vecino.');
    expectNoSecrets(result, other);
  });

  it('lists the FIELs of a tenant only, with days to expiry and a mark on those about to expire', async () => {
    const tenant = await database.dataSource.query<{ id: string }[]>(
      `SELECT id FROM tenants WHERE slug = 'acme'`,
    );
    const box = new SecretBox(masterKeyFrom(Buffer.from(masterKey, 'base64')), []);
    const vault = new FielVault(database.dataSource, box);
    // Enrolment refuses these, so they are put in the vault directly, as if they had aged there.
    for (const [rfc, validTo] of [
      ['SOO900101AA1', new Date(Date.now() + 10 * DAY_MS + 3_600_000)],
      ['OLD900101AA1', new Date(Date.now() - 3 * DAY_MS)],
    ] as const) {
      const minted = ca.mint({ rfc });
      await vault.store({
        tenantId: tenant[0]?.id ?? '',
        rfc,
        certificate: minted.certificate,
        privateKey: minted.privateKey,
        password: minted.password,
        serial: minted.certificateNumber,
        validFrom: new Date(Date.now() - 400 * DAY_MS),
        validTo,
      });
    }

    const listed = runCliProcess(['fiel', 'list', '--tenant', 'acme'], env);
    expect(listed.status).toBe(0);
    const lines = listed.stdout.trim().split('\n');
    expect(lines.map((line) => line.split('\t')[0])).toEqual([RFC, 'OLD900101AA1', 'SOO900101AA1']);
    const [fresh, old, soon] = lines.map((line) => line.split('\t'));
    expect(fresh?.slice(1, 3)).toEqual(['FIEL DE PRUEBA SA DE CV', fiel.certificateNumber]);
    expect(fresh?.[3]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(Number(fresh?.[5]?.replace(' days', ''))).toBeGreaterThan(1000);
    expect(fresh?.[6]).toBe('ok');
    expect(soon?.[5]).toBe('10 days');
    expect(soon?.[6]).toMatch(/^! expires in under 30 days/);
    expect(old?.[5]).toBe('-3 days');
    expect(old?.[6]).toBe('! expired');
    expect(listed.stdout).not.toContain('STD900101AA1');
    expectNoSecrets(listed, fiel);

    const json = runCliProcess(['fiel', 'list', '--tenant', 'acme', '--json'], env);
    expect(json.status).toBe(0);
    const parsed = JSON.parse(json.stdout) as {
      rfc: string;
      serial: string;
      daysToExpiry: number;
      status: string;
    }[];
    expect(parsed.map(({ rfc, status }) => ({ rfc, status }))).toEqual([
      { rfc: RFC, status: 'ok' },
      { rfc: 'OLD900101AA1', status: 'expired' },
      { rfc: 'SOO900101AA1', status: 'expiring' },
    ]);
    expect(parsed[0]?.serial).toBe(fiel.certificateNumber);
    expect(Object.keys(parsed[0] ?? {}).sort()).toEqual(
      ['daysToExpiry', 'nombre', 'rfc', 'serial', 'status', 'validFrom', 'validTo'].sort(),
    );
  });

  it('removes a FIEL, and says clearly when there is none to remove', () => {
    const removed = runCliProcess(['fiel', 'remove', '--tenant', 'acme', '--rfc', RFC.toLowerCase()], env);
    expect(removed.stderr).toBe('');
    expect(removed.status).toBe(0);
    expect(removed.stdout).toContain(`e.firma (FIEL) of ${RFC} removed from tenant acme.`);
    expect(runCliProcess(['fiel', 'list', '--tenant', 'acme'], env).stdout).not.toContain(RFC);

    const again = runCliProcess(['fiel', 'remove', '--tenant', 'acme', '--rfc', RFC], env);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(
      new RegExp(`DM-7008 .*no e.firma \\(FIEL\\) for RFC ${RFC}; nothing was removed`),
    );
    // Another tenant's FIEL is out of reach.
    const foreign = runCliProcess(['fiel', 'remove', '--tenant', 'acme', '--rfc', 'STD900101AA1'], env);
    expect(foreign.status).toBe(1);
    expect(foreign.stderr).toContain('DM-7008');
  });

  describe('refuses bad input with a clear message and no secret printed', () => {
    let files: ReturnType<typeof writeCredential>;
    let base: string[];

    beforeAll(() => {
      files = writeCredential(directory, 'bad', fiel);
      base = ['fiel', 'add', '--tenant', 'acme', '--cer', files.cer, '--key', files.key];
    });

    it('a wrong password', () => {
      const wrongPassword = path.join(directory, 'wrong.txt');
      writeFileSync(wrongPassword, 'no-es-la-clave-correcta');
      const wrong = runCliProcess([...base, '--password-file', wrongPassword], env);
      expect(wrong.status).toBe(1);
      expect(wrong.stderr).toMatch(/DM-7002 .*password is wrong/);
      expect(wrong.stdout).toBe('');
      expect(wrong.stderr).not.toContain('no-es-la-clave-correcta');
      expectNoSecrets(wrong, fiel);
    });

    it('a CSD instead of a FIEL', () => {
      const seal = ca.mint({ rfc: RFC, kind: 'CSD' });
      const csd = writeCredential(directory, 'csd', seal);
      const refused = addFiel('acme', csd);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toMatch(/DM-7004 .*CSD/);
      expectNoSecrets(refused, seal);
    });

    it('an unknown tenant', () => {
      const unknown = addFiel('nadie', files);
      expect(unknown.status).toBe(1);
      expect(unknown.stderr).toMatch(/DM-4001 .*nadie/);
      expectNoSecrets(unknown, fiel);
    });

    it('a file that does not exist', () => {
      const missing = path.join(directory, 'no-such.key');
      const absent = addFiel('acme', { ...files, key: missing });
      expect(absent.status).toBe(2);
      expect(absent.stderr).toContain(`cannot read --key ${missing}: no such file`);
      expectNoSecrets(absent, fiel);
    });

    it('a password as an argument, no password source, or both', () => {
      const inline = runCliProcess([...base, '--password', fiel.password], env);
      expect(inline.status).toBe(2);
      expect(inline.stderr).toMatch(/unknown option '--password'/);
      const none = runCliProcess(base, env);
      expect(none.status).toBe(2);
      expect(none.stderr).toContain('--password-file FILE or --password-stdin');
      const both = runCliProcess([...base, '--password-file', files.password, '--password-stdin'], env);
      expect(both.status).toBe(2);
      expect(both.stderr).toMatch(/cannot be used with/);
      for (const result of [none, both]) expectNoSecrets(result, fiel);
    });
  });
});
