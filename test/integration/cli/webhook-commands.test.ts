import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { webhookSecretContext } from '../../../src/services/notifications';
import { SecretBox, masterKeyFrom } from '../../../src/services/secrets';
import { runCliProcess } from '../../helpers/cli';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import { createTenant } from '../../helpers/stored-packages';

const MASTER_KEY = Buffer.alloc(32, 23);
const HTTPS_HOOK = 'https://erp.example.com/descarga-masiva/webhook';

// Each command is a process compiling the CLI with tsx: seconds each on a busy two-core machine.
jest.setTimeout(180_000);

describe('descarga-masiva webhook add|list|enable|disable|deliveries|remove', () => {
  let database: TestDatabase;
  let directory: string;
  let env: NodeJS.ProcessEnv;
  let acmeId: string;
  let secret = '';
  let webhookId = '';

  beforeAll(async () => {
    database = await createTestDatabase('dm_cli_webhook');
    acmeId = (await createTenant(database.dataSource, 'acme')).id;
    await createTenant(database.dataSource, 'vecino');
    directory = mkdtempSync(path.join(tmpdir(), 'dm-cli-webhook-'));
    // DATABASE_URL without SAT_MODE: production mode, as a real deployment runs.
    env = { DATABASE_URL: database.url, MASTER_KEY: MASTER_KEY.toString('base64'), DATA_DIR: directory };
  });

  afterAll(async () => {
    await database.drop();
    rmSync(directory, { recursive: true, force: true });
  });

  it('refuses plain http in production mode unless the operator allows it', () => {
    const refused = runCliProcess(
      ['webhook', 'add', '--tenant', 'acme', '--url', 'http://erp.example.com/hook'],
      env,
    );
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('DM-4102');
    expect(refused.stdout).toBe('');
    const unknown = runCliProcess(
      ['webhook', 'add', '--tenant', 'acme', '--url', HTTPS_HOOK, '--events', 'solicitud.creada'],
      env,
    );
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('DM-4103');
  });

  it('adds a webhook and prints its signing secret once, sealed at rest', async () => {
    const result = runCliProcess(
      [
        'webhook',
        'add',
        '--tenant',
        'acme',
        '--url',
        HTTPS_HOOK,
        '--events',
        'SOLICITUD.ESTADO, fiel.por_vencer',
      ],
      env,
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    webhookId = /^Webhook ([0-9a-f-]{36}) registered in tenant acme\.$/m.exec(result.stdout)?.[1] ?? '';
    secret = /Signing secret: (whsec_[\w-]+)$/m.exec(result.stdout)?.[1] ?? '';
    expect(webhookId).not.toBe('');
    expect(secret).toHaveLength(49);
    expect(result.stdout).toMatch(/Events:\s+fiel\.por_vencer,solicitud\.estado/);

    const [row] = await database.dataSource.query<{ secret_ciphertext: Buffer }[]>(
      `SELECT secret_ciphertext FROM webhooks WHERE id = $1 AND tenant_id = $2`,
      [webhookId, acmeId],
    );
    expect(row?.secret_ciphertext.toString('latin1')).not.toContain(secret);
    const box = new SecretBox(masterKeyFrom(MASTER_KEY));
    expect(box.decryptText(row?.secret_ciphertext as Buffer, webhookSecretContext(acmeId, webhookId))).toBe(
      secret,
    );

    const allowed = runCliProcess(
      ['webhook', 'add', '--tenant', 'vecino', '--url', 'http://10.1.2.3:8080/hook'],
      { ...env, WEBHOOK_ALLOW_HTTP: 'true' },
    );
    expect(allowed.status).toBe(0);
    expect(allowed.stdout).toMatch(/Events:\s+all events/);
  });

  it('lists a tenant’s webhooks without their secrets, as lines or JSON', () => {
    const lines = runCliProcess(['webhook', 'list', '--tenant', 'acme'], env);
    expect(lines.status).toBe(0);
    expect(lines.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(`^${webhookId}\tactive\tfiel\\.por_vencer,solicitud\\.estado\t${HTTPS_HOOK}\t\\d{4}-`),
      ),
    ]);
    const json = runCliProcess(['webhook', 'list', '--tenant', 'acme', '--json'], env);
    expect(json.status).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([
      expect.objectContaining({ id: webhookId, url: HTTPS_HOOK, activo: true }),
    ]);
    for (const output of [lines.stdout, lines.stderr, json.stdout, json.stderr]) {
      expect(output).not.toContain(secret);
      expect(output).not.toMatch(/whsec_|ciphertext/);
    }
  });

  it('disables and enables a webhook, and shows its deliveries', async () => {
    const disabled = runCliProcess(['webhook', 'disable', '--tenant', 'acme', '--id', webhookId], env);
    expect(disabled.status).toBe(0);
    expect(disabled.stdout).toContain(`Webhook ${webhookId} disabled in tenant acme.`);
    const state = async (): Promise<unknown> =>
      database.dataSource.query(`SELECT activo FROM webhooks WHERE id = $1`, [webhookId]);
    expect(await state()).toEqual([{ activo: false }]);
    expect(runCliProcess(['webhook', 'enable', '--tenant', 'acme', '--id', webhookId], env).status).toBe(0);
    expect(await state()).toEqual([{ activo: true }]);

    const [delivery] = await database.dataSource.query<{ id: string }[]>(
      `INSERT INTO webhook_deliveries (webhook_id, evento, payload, estado, attempts, last_status_code, last_error)
       VALUES ($1, 'fiel.por_vencer', '{}', 'Fallido', 8, 410, 'HTTP 410: gone') RETURNING id`,
      [webhookId],
    );
    await database.dataSource.query(
      `INSERT INTO webhook_delivery_attempts (delivery_id, attempt, started_at, duration_ms, status_code, error, resultado, next_attempt_at)
       VALUES ($1, 1, '2026-12-01T10:00:00Z', 41, NULL, 'connection refused', 'Reintento', '2026-12-01T10:00:30Z'),
              ($1, 2, '2026-12-01T10:00:31Z', 12, 410, 'HTTP 410: gone', 'Fallido', NULL)`,
      [delivery?.id],
    );
    const deliveries = runCliProcess(['webhook', 'deliveries', '--tenant', 'acme'], env);
    expect(deliveries.status).toBe(0);
    expect(deliveries.stdout.split('\n')).toEqual([
      expect.stringMatching(/\tfiel\.por_vencer\tFallido\t8 attempt\(s\)\tHTTP 410\tHTTP 410: gone$/),
      '  attempt 1\t2026-12-01T10:00:00.000Z\t-\t41 ms\tReintento\tnext 2026-12-01T10:00:30.000Z\tconnection refused',
      '  attempt 2\t2026-12-01T10:00:31.000Z\tHTTP 410\t12 ms\tFallido\t\tHTTP 410: gone',
      '',
    ]);
    expect(runCliProcess(['webhook', 'deliveries', '--tenant', 'vecino'], env).stdout).toBe('');
  });

  it('removes a webhook of the tenant only, and says so when there is none', async () => {
    const foreign = runCliProcess(['webhook', 'remove', '--tenant', 'vecino', '--id', webhookId], env);
    expect(foreign.status).toBe(1);
    expect(foreign.stderr).toContain('DM-4001');
    const removed = runCliProcess(['webhook', 'remove', '--tenant', 'acme', '--id', webhookId], env);
    expect(removed.status).toBe(0);
    expect(removed.stdout).toContain(`Webhook ${webhookId} removed in tenant acme.`);
    const rows = await database.dataSource.query(`SELECT 1 FROM webhooks WHERE id = $1`, [webhookId]);
    expect(rows).toHaveLength(0);
    const again = runCliProcess(['webhook', 'remove', '--tenant', 'acme', '--id', webhookId], env);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('DM-4001');
  });
});
