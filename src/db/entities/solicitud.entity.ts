import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type ContextoColumn = 'Emitidos' | 'Recibidos';
export type TipoSolicitudColumn = 'CFDI' | 'Metadata';
export type TipoDocumentoColumn = 'CFDI' | 'Retenciones';
export type EstadoSolicitudColumn =
  'Registrada' | 'EnProceso' | 'Descargando' | 'Completada' | 'SinDatos' | 'Rechazada' | 'Error' | 'Vencida';

/**
 * What a client registered: one contexto, one tipo, one tipo de documento (fan-out already done). `id`
 * is the public IdSolicitud. The period is half-open [fechaInicial, fechaFinal): the client's inclusive
 * FechaFinal plus one second; both are null for a request by Uuid.
 */
@Entity({ name: 'solicitudes' })
export class Solicitud {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ name: 'contribuyente_id', type: 'uuid' })
  contribuyenteId!: string;

  @Column({ name: 'registro_id', type: 'uuid', nullable: true })
  registroId!: string | null;

  @Column({ type: 'text' })
  rfc!: string;

  @Column({ type: 'text' })
  contexto!: ContextoColumn;

  @Column({ name: 'tipo_solicitud', type: 'text' })
  tipoSolicitud!: TipoSolicitudColumn;

  @Column({ name: 'tipo_documento', type: 'text' })
  tipoDocumento!: TipoDocumentoColumn;

  @Column({ name: 'fecha_inicial', type: 'timestamptz', nullable: true })
  fechaInicial!: Date | null;

  /** Exclusive end. */
  @Column({ name: 'fecha_final', type: 'timestamptz', nullable: true })
  fechaFinal!: Date | null;

  /** Canonical filters (`canonicalFilters`), as sent to SAT. */
  @Column({ type: 'jsonb', default: () => "'{}'::jsonb" })
  filtros!: Record<string, string | string[]>;

  /** `filtersKey(filtros)`: SHA-256 hex, the ledger's filter key. */
  @Column({ name: 'filtros_key', type: 'text' })
  filtrosKey!: string;

  @Column({ name: 'referencia_cliente', type: 'text', nullable: true })
  referenciaCliente!: string | null;

  @Column({ type: 'boolean', default: false })
  forzar!: boolean;

  @Column({ type: 'text', default: 'Registrada' })
  estado!: EstadoSolicitudColumn;

  /** SAT's own EstadoSolicitud name while EnProceso (Aceptada, EnProceso...). */
  @Column({ name: 'estado_sat', type: 'text', nullable: true })
  estadoSat!: string | null;

  /** Our code (DM-xxxx) when it ended in Rechazada/Error/Vencida. */
  @Column({ type: 'text', nullable: true })
  codigo!: string | null;

  @Column({ type: 'text', nullable: true })
  mensaje!: string | null;

  /** The last CodEstatus SAT answered, and its message. */
  @Column({ name: 'sat_cod_estatus', type: 'text', nullable: true })
  satCodEstatus!: string | null;

  @Column({ name: 'sat_mensaje', type: 'text', nullable: true })
  satMensaje!: string | null;

  @Column({ name: 'numero_cfdis', type: 'integer', nullable: true })
  numeroCfdis!: number | null;

  @Column({ name: 'paquetes_total', type: 'integer', default: 0 })
  paquetesTotal!: number;

  @Column({ name: 'paquetes_almacenados', type: 'integer', default: 0 })
  paquetesAlmacenados!: number;

  /** FechaRegistro. */
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;
}
