import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One metadata row per UUID per tenant and RFC (the contribuyente whose download produced it); the
 * latest package wins, so a later metadata request refreshes estatus and fecha de cancelación.
 * Primary key (tenant_id, uuid, rfc); no foreign keys, so a million-row upsert stays fast.
 */
@Entity({ name: 'cfdi_metadata' })
export class CfdiMetadata {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @PrimaryColumn({ type: 'text' })
  rfc!: string;

  @PrimaryColumn({ type: 'uuid' })
  uuid!: string;

  @Column({ name: 'tipo_documento', type: 'text', default: 'CFDI' })
  tipoDocumento!: 'CFDI' | 'Retenciones';

  @Column({ name: 'rfc_emisor', type: 'text' })
  rfcEmisor!: string;

  @Column({ name: 'nombre_emisor', type: 'text', nullable: true })
  nombreEmisor!: string | null;

  @Column({ name: 'rfc_receptor', type: 'text' })
  rfcReceptor!: string;

  @Column({ name: 'nombre_receptor', type: 'text', nullable: true })
  nombreReceptor!: string | null;

  @Column({ name: 'rfc_pac', type: 'text', nullable: true })
  rfcPac!: string | null;

  @Column({ name: 'fecha_emision', type: 'timestamptz' })
  fechaEmision!: Date;

  @Column({ name: 'fecha_certificacion', type: 'timestamptz', nullable: true })
  fechaCertificacion!: Date | null;

  /** Decimal text, exact (numeric). */
  @Column({ type: 'numeric', precision: 24, scale: 6, nullable: true })
  monto!: string | null;

  /** EfectoComprobante: I, E, T, N, P. */
  @Column({ type: 'text', nullable: true })
  efecto!: string | null;

  @Column({ type: 'text' })
  estatus!: 'Vigente' | 'Cancelado';

  @Column({ name: 'fecha_cancelacion', type: 'timestamptz', nullable: true })
  fechaCancelacion!: Date | null;

  @Column({ name: 'rfc_a_cuenta_terceros', type: 'text', nullable: true })
  rfcACuentaTerceros!: string | null;

  @Column({ name: 'nombre_a_cuenta_terceros', type: 'text', nullable: true })
  nombreACuentaTerceros!: string | null;

  /** Columns SAT added that we do not know yet, by header name. */
  @Column({ type: 'jsonb', nullable: true })
  extras!: Record<string, string> | null;

  /** The package the row last came from; informational, not a foreign key (bulk-load speed). */
  @Column({ name: 'paquete_id', type: 'uuid', nullable: true })
  paqueteId!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
