import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * Pipeline states of one SAT request: Pendiente (not sent), Incierta (sent, SAT's answer lost: it may
 * have been accepted), Solicitada (has IdSolicitud), EnProceso, Terminada, Dividida (split into
 * children: by the planner before sending, or because SAT said too many results), Reemitida (SAT did
 * not deliver it: asked again as its one child), SinDatos, Rechazada, Error, Vencida. Plain text in the
 * schema so the pipeline can refine it without a migration.
 */
export type EstadoSatRequest =
  | 'Pendiente'
  | 'Incierta'
  | 'Solicitada'
  | 'EnProceso'
  | 'Terminada'
  | 'Dividida'
  | 'Reemitida'
  | 'SinDatos'
  | 'Rechazada'
  | 'Error'
  | 'Vencida';

/** One request sent (or to send) to SAT for a part of a solicitud's period. */
@Entity({ name: 'sat_requests' })
export class SatRequest {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'solicitud_id', type: 'uuid' })
  solicitudId!: string;

  /** The part this one was split from. */
  @Column({ name: 'parent_id', type: 'uuid', nullable: true })
  parentId!: string | null;

  @Column({ type: 'integer', default: 1 })
  parte!: number;

  /** Half-open part of the period; null for a request by Uuid. */
  @Column({ name: 'periodo_inicio', type: 'timestamptz', nullable: true })
  periodoInicio!: Date | null;

  @Column({ name: 'periodo_fin', type: 'timestamptz', nullable: true })
  periodoFin!: Date | null;

  /** SAT's IdSolicitud, once SAT accepted the request. */
  @Column({ name: 'id_solicitud_sat', type: 'text', nullable: true })
  idSolicitudSat!: string | null;

  @Column({ type: 'text', default: 'Pendiente' })
  estado!: EstadoSatRequest;

  @Column({ name: 'cod_estatus', type: 'text', nullable: true })
  codEstatus!: string | null;

  @Column({ type: 'text', nullable: true })
  mensaje!: string | null;

  /** SAT's EstadoSolicitud number (1 Aceptada ... 6 Vencida). */
  @Column({ name: 'estado_solicitud', type: 'integer', nullable: true })
  estadoSolicitud!: number | null;

  @Column({ name: 'codigo_estado_solicitud', type: 'text', nullable: true })
  codigoEstadoSolicitud!: string | null;

  @Column({ name: 'numero_cfdis', type: 'integer', nullable: true })
  numeroCfdis!: number | null;

  /** Solicita attempts (transient failures retried). */
  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'verify_attempts', type: 'integer', default: 0 })
  verifyAttempts!: number;

  @Column({ name: 'next_check_at', type: 'timestamptz', nullable: true })
  nextCheckAt!: Date | null;

  @Column({ name: 'requested_at', type: 'timestamptz', nullable: true })
  requestedAt!: Date | null;

  @Column({ name: 'last_checked_at', type: 'timestamptz', nullable: true })
  lastCheckedAt!: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  /**
   * The lifetime count (`sat_criteria_usage`) this request holds: set just before it is sent, cleared
   * when SAT refused it outright. While set and unfinished, SAT may be working on it.
   */
  @Column({ name: 'criteria_key', type: 'text', nullable: true })
  criteriaKey!: string | null;

  /** What the planner expected this part to hold, when it could size it. */
  @Column({ name: 'documentos_estimados', type: 'integer', nullable: true })
  documentosEstimados!: number | null;

  /** How many times this part was asked again as a new request (SAT did not deliver the earlier ones). */
  @Column({ type: 'integer', default: 0 })
  reemisiones!: number;

  /** False for an XML period still to be sized (by metadata) before it may be sent. */
  @Column({ type: 'boolean', default: true })
  dimensionada!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
