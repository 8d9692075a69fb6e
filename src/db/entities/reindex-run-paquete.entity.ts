import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A package a reindex run is done with: re-indexed (`error` null) or not, and why. */
@Entity({ name: 'reindex_run_paquetes' })
export class ReindexRunPaquete {
  @PrimaryColumn({ name: 'run_id', type: 'uuid' })
  runId!: string;

  @PrimaryColumn({ name: 'paquete_id', type: 'uuid' })
  paqueteId!: string;

  /** Metadata rows or XML documents indexed. */
  @Column({ type: 'integer', default: 0 })
  documentos!: number;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ name: 'finished_at', type: 'timestamptz', default: () => 'now()' })
  finishedAt!: Date;
}
