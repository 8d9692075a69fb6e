import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { bigintAsNumber } from './transformers';

/** Pendiente -> Descargando -> Almacenado -> Indexado, or Error / Vencido. */
export type EstadoPaquete = 'Pendiente' | 'Descargando' | 'Almacenado' | 'Indexado' | 'Error' | 'Vencido';

/**
 * One SAT package. Almacenado only once its bytes and hash are durable (`storedAt` requires
 * objectKey, tamano and sha256 in the schema).
 */
@Entity({ name: 'paquetes' })
export class Paquete {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ name: 'solicitud_id', type: 'uuid' })
  solicitudId!: string;

  @Column({ name: 'sat_request_id', type: 'uuid' })
  satRequestId!: string;

  /** SAT's IdPaquete, globally unique. */
  @Column({ name: 'id_paquete', type: 'text' })
  idPaquete!: string;

  @Column({ type: 'text', default: 'Pendiente' })
  estado!: EstadoPaquete;

  @Column({ name: 'object_key', type: 'text', nullable: true })
  objectKey!: string | null;

  @Column({ type: 'bigint', nullable: true, transformer: bigintAsNumber })
  tamano!: number | null;

  /** Lower-case hex. */
  @Column({ type: 'text', nullable: true })
  sha256!: string | null;

  /** Downloads from SAT so far (SAT allows two per package). */
  @Column({ name: 'sat_download_count', type: 'integer', default: 0 })
  satDownloadCount!: number;

  /** Download links handed to clients. */
  @Column({ name: 'link_count', type: 'integer', default: 0 })
  linkCount!: number;

  @Column({ type: 'text', nullable: true })
  codigo!: string | null;

  @Column({ type: 'text', nullable: true })
  mensaje!: string | null;

  /** When SAT stops serving it (about 72 h after it was announced). */
  @Column({ name: 'sat_expires_at', type: 'timestamptz', nullable: true })
  satExpiresAt!: Date | null;

  /** When the near-expiry alert went out for this package (once, whichever worker saw it first). */
  @Column({ name: 'expiry_alerted_at', type: 'timestamptz', nullable: true })
  expiryAlertedAt!: Date | null;

  /** FechaAlmacenado. */
  /** A download that waits (SAT's daily limit) is not tried again before this. */
  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true })
  nextAttemptAt!: Date | null;

  @Column({ name: 'stored_at', type: 'timestamptz', nullable: true })
  storedAt!: Date | null;

  @Column({ name: 'indexed_at', type: 'timestamptz', nullable: true })
  indexedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
