import type { DataSource } from 'typeorm';
import {
  type ReconciliationClass,
  type ReconciliationCursor,
  type ReconciliationRow,
  type ReconciliationScope,
  type ReconciliationSide,
  readReconciliationSide,
} from '../../db';

/**
 * A period's estimated cost is high enough for Postgres to JIT-compile every read, which costs about
 * half a second each time (measured: 590 ms of a 720 ms batch of 1,000 rows) for queries that run in
 * tens of milliseconds through the indexes. Turned off for the reconciliation's own transactions only.
 */
export const NO_JIT = 'SET LOCAL jit = off';

/** Report order: issue date, then UUID (lower-case hex text sorts like Postgres sorts uuid). */
export function before(a: ReconciliationRow, b: ReconciliationRow): boolean {
  const difference = a.fechaEmision.getTime() - b.fechaEmision.getTime();
  return difference !== 0 ? difference < 0 : a.uuid < b.uuid;
}

/** One side of the report, read a batch at a time after the last row taken; done once a batch is short. */
export class SideReader {
  private buffer: ReconciliationRow[] = [];
  private position = 0;
  private after: ReconciliationCursor | undefined;
  private done = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly scope: ReconciliationScope,
    private readonly side: ReconciliationSide,
    private readonly clases: readonly ReconciliationClass[],
    private readonly batchSize: number,
  ) {}

  async peek(): Promise<ReconciliationRow | undefined> {
    if (this.position === this.buffer.length && !this.done) {
      this.position = 0;
      this.buffer = await this.dataSource.transaction(async (manager) => {
        await manager.query(NO_JIT);
        return readReconciliationSide(
          manager,
          this.scope,
          this.side,
          this.clases,
          this.batchSize,
          this.after,
        );
      });
      this.done = this.buffer.length < this.batchSize;
    }
    return this.buffer[this.position];
  }

  take(): void {
    const row = this.buffer[this.position];
    if (!row) return;
    this.position += 1;
    this.after = { fechaEmision: row.fechaEmision, uuid: row.uuid };
  }
}
