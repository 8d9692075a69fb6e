import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource, runMigrations } from '../../src/db/data-source';

const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  /** postgres:// URL of the fresh database. */
  readonly url: string;
  /** Initialised, every migration applied. */
  readonly dataSource: DataSource;
  /** Closes the DataSource and drops the database (connections of other pools are terminated). */
  drop(): Promise<void>;
}

async function withAdmin<T>(action: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await action(client);
  } finally {
    await client.end();
  }
}

/** A unique database name from a readable prefix: lower-case letters, digits and `_` only. */
function databaseName(prefix: string): string {
  const clean =
    prefix
      .toLowerCase()
      .replace(/[^a-z0-9_]/g, '_')
      .slice(0, 40) || 'test';
  return `${clean}_${randomBytes(6).toString('hex')}`;
}

/**
 * A fresh database on the test server (TEST_DATABASE_URL, default 127.0.0.1:5432 user postgres) with
 * every migration applied. One per test file: create in `beforeAll`, `drop()` in `afterAll`.
 */
export async function createTestDatabase(
  name = 'dm_test',
  options: { migrate?: boolean } = {},
): Promise<TestDatabase> {
  const database = databaseName(name);
  await withAdmin((client) => client.query(`CREATE DATABASE "${database}"`));
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const dataSource = createDataSource({ url: url.toString(), poolSize: 5, applicationName: 'dm-test' });
  try {
    await dataSource.initialize();
    if (options.migrate ?? true) await runMigrations(dataSource);
  } catch (error) {
    if (dataSource.isInitialized) await dataSource.destroy();
    await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`));
    throw error;
  }
  return {
    url: url.toString(),
    dataSource,
    drop: async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
      await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`));
    },
  };
}
