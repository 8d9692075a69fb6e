import { Client, type QueryConfig } from 'pg';
import {
  ActiveApiUsers,
  type ApiUserCache,
  type ChannelEvent,
  createApiUserCache,
  followApiUserChanges,
} from '../../../src/db';
import { ChannelListener } from '../../../src/db/change-feed';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import { eventually, until } from '../../helpers/eventually';

/**
 * Active API users in memory, kept right by the api_users trigger's notifications: every write made
 * elsewhere (another connection, as the CLI or an administrator would) is seen within a moment, and
 * while the listening connection is down every lookup reads the table.
 */
describe('API user lookups following api_users changes', () => {
  let db: TestDatabase;
  let tenantId: string;
  let cache: ApiUserCache;
  let listener: ChannelListener;
  let users: ActiveApiUsers;
  let elsewhere: Client;
  const events: ChannelEvent[] = [];
  const lookups: string[] = [];
  const original = Client.prototype.query;

  /** The api_users statements `action` sent through the pool (the listener's LISTEN excluded). */
  const lookupsDuring = async (action: () => Promise<unknown>): Promise<number> => {
    lookups.length = 0;
    await action();
    return lookups.length;
  };

  beforeAll(async () => {
    db = await createTestDatabase('db_api_user_changes');
    (Client.prototype as unknown as { query: (...args: unknown[]) => unknown }).query = function (
      this: Client,
      ...args: unknown[]
    ) {
      const [first] = args;
      const text = typeof first === 'string' ? first : (first as QueryConfig | undefined)?.text;
      if (text?.includes('FROM api_users')) lookups.push(text);
      return (original as (...rest: unknown[]) => unknown).apply(this, args);
    };
    elsewhere = new Client({ connectionString: db.url });
    await elsewhere.connect();
    const { rows } = await elsewhere.query<{ id: string }>(
      `INSERT INTO tenants (slug, nombre) VALUES ('t', 'T') RETURNING id`,
    );
    tenantId = rows[0]?.id ?? '';
    await elsewhere.query(
      `INSERT INTO api_users (tenant_id, username, secret_hash, requestor_lookup) VALUES ($1, 'erp', 'h', $2)`,
      [tenantId, Buffer.alloc(32, 1)],
    );
    cache = createApiUserCache();
    listener = await followApiUserChanges(db.dataSource, cache, (event) => events.push(event));
    users = new ActiveApiUsers(db.dataSource, cache);
  });

  afterAll(async () => {
    Client.prototype.query = original;
    await listener.close();
    await elsewhere.end();
    await db.drop();
  });

  it('reads an active user from the table once, then from memory, by username and by Requestor', async () => {
    expect(cache.isEnabled).toBe(true);
    expect(await lookupsDuring(() => users.byUsername('erp'))).toBe(1);
    expect(await lookupsDuring(() => users.byUsername('erp'))).toBe(0);
    expect((await users.byUsername('erp'))?.tenantId).toBe(tenantId);
    expect(await lookupsDuring(() => users.byRequestor(Buffer.alloc(32, 1)))).toBe(1);
    expect(await lookupsDuring(() => users.byRequestor(Buffer.alloc(32, 1)))).toBe(0);
    expect((await users.byRequestor(Buffer.alloc(32, 1)))?.username).toBe('erp');
  });

  it('refuses a user revoked from another connection as soon as the revocation commits', async () => {
    await elsewhere.query(
      `INSERT INTO api_users (tenant_id, username, secret_hash) VALUES ($1, 'revocable', 'h')`,
      [tenantId],
    );
    // Once the insert's own announcement is heard, the user is answered from memory.
    await eventually(async () => expect(await lookupsDuring(() => users.byUsername('revocable'))).toBe(0), {
      intervalMs: 5,
    });
    expect(await users.byUsername('revocable')).not.toBeNull();
    await elsewhere.query(`UPDATE api_users SET revoked_at = now() WHERE username = 'revocable'`);
    await eventually(async () => expect(await users.byUsername('revocable')).toBeNull(), {
      timeoutMs: 2_000,
      intervalMs: 5,
    });
  });

  it('finds a user created after its name was looked up in vain, and forgets a deleted one', async () => {
    expect(await users.byUsername('nuevo')).toBeNull();
    expect(await lookupsDuring(() => users.byUsername('nuevo'))).toBe(0);
    await elsewhere.query(
      `INSERT INTO api_users (tenant_id, username, secret_hash) VALUES ($1, 'nuevo', 'h')`,
      [tenantId],
    );
    await eventually(async () => expect((await users.byUsername('nuevo'))?.username).toBe('nuevo'), {
      timeoutMs: 2_000,
      intervalMs: 5,
    });
    await elsewhere.query(`DELETE FROM api_users WHERE username = 'nuevo'`);
    await eventually(async () => expect(await users.byUsername('nuevo')).toBeNull(), {
      timeoutMs: 2_000,
      intervalMs: 5,
    });
  });

  it('reads the table on every lookup while the listening connection is down, and sees what changed meanwhile', async () => {
    await users.byUsername('erp');
    expect(await lookupsDuring(() => users.byUsername('erp'))).toBe(0);
    const listening = events.filter((event) => event.kind === 'listening').length;
    await elsewhere.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = current_database() AND query = 'LISTEN api_users_changed'`,
    );
    await until('the listener to be lost', () => (cache.isEnabled ? undefined : true));
    expect(events.at(-1)?.kind).toBe('lost');
    // A change nobody hears: the connection is down.
    await elsewhere.query(`UPDATE api_users SET revoked_at = now() WHERE username = 'erp'`);
    expect(await users.byUsername('erp')).toBeNull();
    expect(await lookupsDuring(() => users.byUsername('erp'))).toBe(1);
    await until('the listener to be back', () =>
      events.filter((event) => event.kind === 'listening').length > listening ? true : undefined,
    );
    expect(cache.isEnabled).toBe(true);
    expect(await users.byUsername('erp')).toBeNull();
    expect(await lookupsDuring(() => users.byUsername('erp'))).toBe(0);
  });

  it('starts with the cache off when the database cannot be reached, retries, and stops on close', async () => {
    const unreachable = createApiUserCache();
    const seen: ChannelEvent[] = [];
    const offline = new ChannelListener(
      { host: '127.0.0.1', port: 1, user: 'postgres' },
      'api_users_changed',
      {
        onListening: () => unreachable.enable(),
        onNotification: () => unreachable.invalidate(),
        onLost: () => unreachable.disable(),
        onEvent: (event) => seen.push(event),
      },
    );
    await offline.start();
    expect(unreachable.isEnabled).toBe(false);
    expect(seen).toEqual([expect.objectContaining({ kind: 'lost', retryInMs: 500 })]);
    await until('a second attempt', () => (seen.length >= 2 ? true : undefined), {
      timeoutMs: 3_000,
      intervalMs: 50,
    });
    expect(seen[1]).toEqual(expect.objectContaining({ kind: 'lost', retryInMs: 1_000 }));
    await offline.close();
    const attempts = seen.length;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(seen).toHaveLength(attempts);
    expect(unreachable.isEnabled).toBe(false);
  });
});
