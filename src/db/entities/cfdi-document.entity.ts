import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from './transformers';

/**
 * Header of one CFDI (or Retenciones) XML held in a stored package, and where the entry sits in the
 * ZIP so one document can be served with ranged reads.
 */
@Entity({ name: 'cfdi_documents' })
export class CfdiDocument {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @PrimaryColumn({ type: 'text' })
  rfc!: string;

  @PrimaryColumn({ type: 'uuid' })
  uuid!: string;

  @Column({ name: 'tipo_documento', type: 'text', default: 'CFDI' })
  tipoDocumento!: 'CFDI' | 'Retenciones';

  @Column({ type: 'text', nullable: true })
  version!: string | null;

  @Column({ name: 'tipo_comprobante', type: 'text', nullable: true })
  tipoComprobante!: string | null;

  @Column({ type: 'text', nullable: true })
  serie!: string | null;

  @Column({ type: 'text', nullable: true })
  folio!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  fecha!: Date | null;

  @Column({ name: 'fecha_timbrado', type: 'timestamptz', nullable: true })
  fechaTimbrado!: Date | null;

  @Column({ name: 'rfc_emisor', type: 'text', nullable: true })
  rfcEmisor!: string | null;

  @Column({ name: 'nombre_emisor', type: 'text', nullable: true })
  nombreEmisor!: string | null;

  @Column({ name: 'rfc_receptor', type: 'text', nullable: true })
  rfcReceptor!: string | null;

  @Column({ name: 'nombre_receptor', type: 'text', nullable: true })
  nombreReceptor!: string | null;

  @Column({ type: 'numeric', precision: 24, scale: 6, nullable: true })
  subtotal!: string | null;

  @Column({ type: 'numeric', precision: 24, scale: 6, nullable: true })
  descuento!: string | null;

  @Column({ type: 'numeric', precision: 24, scale: 6, nullable: true })
  total!: string | null;

  @Column({ type: 'text', nullable: true })
  moneda!: string | null;

  @Column({ name: 'tipo_cambio', type: 'numeric', precision: 24, scale: 6, nullable: true })
  tipoCambio!: string | null;

  @Column({ name: 'metodo_pago', type: 'text', nullable: true })
  metodoPago!: string | null;

  @Column({ name: 'forma_pago', type: 'text', nullable: true })
  formaPago!: string | null;

  @Column({ name: 'uso_cfdi', type: 'text', nullable: true })
  usoCfdi!: string | null;

  @Column({ name: 'lugar_expedicion', type: 'text', nullable: true })
  lugarExpedicion!: string | null;

  /** Local names of the complements present (e.g. Pagos, Nomina). */
  @Column({ type: 'text', array: true, nullable: true })
  complementos!: string[] | null;

  @Column({ name: 'paquete_id', type: 'uuid' })
  paqueteId!: string;

  @Column({ name: 'entry_name', type: 'text' })
  entryName!: string;

  /** Offset of the entry's local file header inside the ZIP. */
  @Column({ name: 'entry_offset', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  entryOffset!: number | null;

  @Column({ name: 'entry_compressed_size', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  entryCompressedSize!: number | null;

  @Column({ name: 'entry_size', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  entrySize!: number | null;

  @Column({ name: 'entry_compression_method', type: 'integer', nullable: true })
  entryCompressionMethod!: number | null;

  @Column({ name: 'entry_crc32', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  entryCrc32!: number | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
