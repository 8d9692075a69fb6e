import type { DataSource } from 'typeorm';
import { createDataSource, revertLastMigration, runMigrations } from '../../../src/db';
import { migrations } from '../../../migrations';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';

/** Tables no entity maps: written by triggers and read by hand-written SQL only. */
const TRIGGER_KEPT_TABLES = ['solicitud_list_counts'];

async function tables(dataSource: DataSource): Promise<string[]> {
  const rows = await dataSource.query<{ table_name: string }[]>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
  );
  return rows
    .map((row) => row.table_name)
    .filter((name) => name !== 'typeorm_migrations')
    .sort();
}

describe('migrations on PostgreSQL', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('db_migrations');
  });
  afterAll(async () => {
    await db.drop();
  });

  it('creates every entity table', async () => {
    const expected = db.dataSource.entityMetadatas.map((metadata) => metadata.tableName);
    expect(await tables(db.dataSource)).toEqual([...expected, ...TRIGGER_KEPT_TABLES].sort());
  });

  it('gives every entity column a matching column in the schema', async () => {
    const rows = await db.dataSource.query<
      { table_name: string; column_name: string; is_nullable: string }[]
    >(
      `SELECT table_name, column_name, is_nullable FROM information_schema.columns WHERE table_schema = 'public'`,
    );
    const schema = new Map(
      rows.map((row) => [`${row.table_name}.${row.column_name}`, row.is_nullable === 'YES']),
    );
    const mismatches: string[] = [];
    for (const metadata of db.dataSource.entityMetadatas) {
      for (const column of metadata.columns) {
        const key = `${metadata.tableName}.${column.databaseName}`;
        if (!schema.has(key)) mismatches.push(`${key} missing`);
        else if (schema.get(key) !== column.isNullable) mismatches.push(`${key} nullability differs`);
      }
    }
    const entityColumns = new Set(
      db.dataSource.entityMetadatas.flatMap((metadata) =>
        metadata.columns.map((column) => `${metadata.tableName}.${column.databaseName}`),
      ),
    );
    for (const key of schema.keys()) {
      const table = key.slice(0, key.indexOf('.'));
      if (table !== 'typeorm_migrations' && !TRIGGER_KEPT_TABLES.includes(table) && !entityColumns.has(key))
        mismatches.push(`${key} not mapped`);
    }
    expect(mismatches).toEqual([]);
  });

  it('reports nothing pending once applied, and a second run applies nothing', async () => {
    expect(await db.dataSource.showMigrations()).toBe(false);
    expect(await runMigrations(db.dataSource)).toEqual([]);
  });

  it('reverts every migration down to an empty schema and re-applies them', async () => {
    for (let i = 0; i < migrations.length; i += 1) await revertLastMigration(db.dataSource);
    expect(await tables(db.dataSource)).toEqual([]);
    const applied = await runMigrations(db.dataSource);
    expect(applied).toEqual(migrations.map((Migration) => new Migration().name));
    expect((await tables(db.dataSource)).length).toBe(
      db.dataSource.entityMetadatas.length + TRIGGER_KEPT_TABLES.length,
    );
  });

  it('runs from a DataSource built with createDataSource against an URL', async () => {
    const other = createDataSource({ url: db.url, poolSize: 1 });
    await other.initialize();
    try {
      expect(await other.showMigrations()).toBe(false);
    } finally {
      await other.destroy();
    }
  });
});
