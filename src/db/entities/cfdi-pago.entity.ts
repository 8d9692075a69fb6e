import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One `Pago` of the payment complement (Pagos 1.0 or 2.0) of a type-P CFDI held in a stored package.
 * Belongs to the payment CFDI's cfdi_documents row (tenant, rfc, uuid) and goes with it.
 */
@Entity({ name: 'cfdi_pagos' })
export class CfdiPago {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @PrimaryColumn({ type: 'text' })
  rfc!: string;

  /** UUID of the payment CFDI. */
  @PrimaryColumn({ type: 'uuid' })
  uuid!: string;

  /** Position of the `Pago` within the complement, from 1. */
  @PrimaryColumn({ type: 'integer' })
  indice!: number;

  @Column({ name: 'version_pagos', type: 'text' })
  versionPagos!: '1.0' | '2.0';

  @Column({ name: 'fecha_pago', type: 'timestamptz', nullable: true })
  fechaPago!: Date | null;

  @Column({ name: 'forma_de_pago_p', type: 'text', nullable: true })
  formaDePagoP!: string | null;

  @Column({ name: 'moneda_p', type: 'text', nullable: true })
  monedaP!: string | null;

  @Column({ name: 'tipo_cambio_p', type: 'numeric', nullable: true })
  tipoCambioP!: string | null;

  @Column({ type: 'numeric', nullable: true })
  monto!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
