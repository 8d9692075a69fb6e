import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One `DoctoRelacionado` of a `Pago` (cfdi_pagos): the invoice it settles and the balances it states. */
@Entity({ name: 'cfdi_pago_documentos' })
export class CfdiPagoDocumento {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @PrimaryColumn({ type: 'text' })
  rfc!: string;

  /** UUID of the payment CFDI. */
  @PrimaryColumn({ type: 'uuid' })
  uuid!: string;

  /** The `Pago` it belongs to (cfdi_pagos.indice). */
  @PrimaryColumn({ name: 'indice_pago', type: 'integer' })
  indicePago!: number;

  /** Position of the `DoctoRelacionado` within its `Pago`, from 1. */
  @PrimaryColumn({ type: 'integer' })
  indice!: number;

  /** The invoice's UUID (or, in Pagos 1.0, an old CFD's folio), lower-cased. */
  @Column({ name: 'id_documento', type: 'text' })
  idDocumento!: string;

  @Column({ type: 'text', nullable: true })
  serie!: string | null;

  @Column({ type: 'text', nullable: true })
  folio!: string | null;

  @Column({ name: 'moneda_dr', type: 'text', nullable: true })
  monedaDR!: string | null;

  /** Pagos 2.0. */
  @Column({ name: 'equivalencia_dr', type: 'numeric', nullable: true })
  equivalenciaDR!: string | null;

  /** Pagos 1.0. */
  @Column({ name: 'tipo_cambio_dr', type: 'numeric', nullable: true })
  tipoCambioDR!: string | null;

  @Column({ name: 'num_parcialidad', type: 'integer', nullable: true })
  numParcialidad!: number | null;

  @Column({ name: 'imp_saldo_ant', type: 'numeric', nullable: true })
  impSaldoAnt!: string | null;

  @Column({ name: 'imp_pagado', type: 'numeric', nullable: true })
  impPagado!: string | null;

  @Column({ name: 'imp_saldo_insoluto', type: 'numeric', nullable: true })
  impSaldoInsoluto!: string | null;
}
