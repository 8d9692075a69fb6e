import type { DataSource } from 'typeorm';
import type { SecretBox } from './secret-box';

/** Where vault ciphertext lives: the table, its primary key, the sealed columns. */
interface SealedColumns {
  readonly table: string;
  readonly key: readonly string[];
  readonly columns: readonly string[];
  /** Column that records the master key id for the row, kept in step with the ciphertext. */
  readonly keyIdColumn?: string;
}

/** Every sealed column of the schema; a new one must be added here or rotation would miss it. */
export const SEALED_COLUMNS: readonly SealedColumns[] = [
  {
    table: 'contribuyentes',
    key: ['id'],
    columns: ['fiel_key_ciphertext', 'fiel_password_ciphertext'],
    keyIdColumn: 'fiel_master_key_id',
  },
  { table: 'api_users', key: ['id'], columns: ['secret_ciphertext'] },
  { table: 'webhooks', key: ['id'], columns: ['secret_ciphertext'] },
  { table: 'sat_tokens', key: ['rfc', 'servicio'], columns: ['token_ciphertext'] },
];

/** SQL text of the key id inside a sealed bytea (see the format in secret-box.ts). */
function keyIdSql(column: string): string {
  return `encode(substring(${column} from 3 for get_byte(${column}, 1)), 'escape')`;
}

export interface RotationResult {
  /** Rows re-wrapped per table. */
  readonly rewrapped: Readonly<Record<string, number>>;
}

/**
 * Re-wraps every sealed value under `box`'s current master key. `box` must also hold the previous
 * key(s). Works in batches, each in its own transaction; interrupted, it can simply be run again
 * (rows already under the new key are skipped), and the app keeps working meanwhile because a box
 * holding both keys opens either.
 */
export async function rotateMasterKey(
  dataSource: DataSource,
  box: SecretBox,
  batchSize = 200,
): Promise<RotationResult> {
  const rewrapped: Record<string, number> = {};
  for (const spec of SEALED_COLUMNS) {
    rewrapped[spec.table] = 0;
    const stale = spec.columns
      .map((column) => `(${column} IS NOT NULL AND ${keyIdSql(column)} <> $1)`)
      .join(' OR ');
    const select = `SELECT ${[...spec.key, ...spec.columns].join(', ')} FROM ${spec.table}
      WHERE ${stale} ORDER BY ${spec.key.join(', ')} LIMIT ${Math.max(1, Math.floor(batchSize))} FOR UPDATE`;
    for (;;) {
      const count = await dataSource.transaction(async (manager) => {
        const rows = await manager.query<Record<string, unknown>[]>(select, [box.currentKeyId]);
        for (const row of rows) {
          const values = spec.columns.map((column) => {
            const sealed = row[column];
            return Buffer.isBuffer(sealed) ? box.rewrap(sealed) : null;
          });
          const assignments = spec.columns.map((column, index) => `${column} = $${index + 1}`);
          const parameters: unknown[] = [...values];
          if (spec.keyIdColumn) {
            parameters.push(box.currentKeyId);
            assignments.push(`${spec.keyIdColumn} = $${parameters.length}`);
          }
          const where = spec.key.map((column) => {
            parameters.push(row[column]);
            return `${column} = $${parameters.length}`;
          });
          await manager.query(
            `UPDATE ${spec.table} SET ${assignments.join(', ')} WHERE ${where.join(' AND ')}`,
            parameters,
          );
        }
        return rows.length;
      });
      rewrapped[spec.table] += count;
      if (count === 0) break;
    }
  }
  return { rewrapped };
}
