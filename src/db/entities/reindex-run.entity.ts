import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One run of `descarga-masiva reindex` over a scope (a tenant, an RFC, both or neither). Unfinished
 * while `finishedAt` is null: running the command again over the same scope resumes it.
 */
@Entity({ name: 'reindex_runs' })
export class ReindexRun {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Null: every tenant. */
  @Column({ name: 'tenant_id', type: 'uuid', nullable: true })
  tenantId!: string | null;

  /** Null: every RFC (upper case otherwise). */
  @Column({ type: 'text', nullable: true })
  rfc!: string | null;

  @Column({ name: 'started_at', type: 'timestamptz', default: () => 'now()' })
  startedAt!: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;
}
