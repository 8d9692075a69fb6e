import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One step of a solicitud's state history (append-only). */
@Entity({ name: 'solicitud_estados' })
export class SolicitudEstado {
  /** bigserial; pg returns int8 as text. */
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'solicitud_id', type: 'uuid' })
  solicitudId!: string;

  @Column({ type: 'text' })
  estado!: string;

  @Column({ name: 'estado_sat', type: 'text', nullable: true })
  estadoSat!: string | null;

  @Column({ type: 'text', nullable: true })
  codigo!: string | null;

  @Column({ type: 'text', nullable: true })
  mensaje!: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at!: Date;
}
