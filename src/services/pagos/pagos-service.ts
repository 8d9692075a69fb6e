import type { DataSource } from 'typeorm';
import { pageWindow, toPage, type Page } from '../../db';
import { pagosFilter, validUuid, type PagosSearchCriteria } from './pagos-criteria';
import {
  heldDocuments,
  readDocumentos,
  readPagosPage,
  readPartialities,
  readSaldos,
  type DocumentoPagado,
  type PagoHeader,
  type SaldoDocumento,
} from './pagos-queries';

/** One `Pago` of a payment CFDI with the invoices it settles. */
export interface PagoConsultado extends PagoHeader {
  readonly documentos: readonly DocumentoPagado[];
}

/** A page of payments, and the balance of every invoice they settle. */
export interface PagosPage extends Page<PagoConsultado> {
  readonly saldos: readonly SaldoDocumento[];
}

/** One partiality of an invoice: the DoctoRelacionado and the `Pago` it is part of. */
export interface ParcialidadDocumento extends DocumentoPagado {
  readonly pago: PagoHeader;
}

/** What the index knows of the payments of one invoice (its web page). */
export interface PagosDeDocumento {
  readonly idDocumento: string;
  /** Absent when no payment of the tenant settles it. */
  readonly saldo?: SaldoDocumento;
  readonly parcialidades: readonly ParcialidadDocumento[];
}

/** One payment CFDI's complement (its web page): every `Pago`, the invoices' balances, which are held. */
export interface PagoCfdi {
  readonly uuid: string;
  readonly pagos: readonly PagoConsultado[];
  readonly saldos: readonly SaldoDocumento[];
  /** IdDocumentos the tenant holds in the index (XML or metadata), so a page can link to them. */
  readonly documentosEnIndice: readonly string[];
}

const DEFAULT_PAGE_SIZE = 50;
/** A payment CFDI's `Pago` rows, read whole for its page; no complement comes near it. */
const MAX_PAGOS_PER_CFDI = 10_000;

/**
 * The payment complements a tenant has downloaded, as indexed in cfdi_pagos and
 * cfdi_pago_documentos: searched like ConsultarCfdi, and per invoice the balance the latest
 * partiality states (ImpSaldoInsoluto of the highest NumParcialidad, then the latest FechaPago) and the
 * sum of ImpPagado. Every query is scoped to the tenant. Amounts are the numeric text Postgres holds;
 * callers print them with `decimalText`.
 */
export class PagosService {
  constructor(private readonly dataSource: DataSource) {}

  async search(tenantId: string, criteria: PagosSearchCriteria): Promise<PagosPage> {
    const filter = pagosFilter(criteria);
    const request = { page: criteria.pagina ?? 1, pageSize: criteria.tamanoPagina ?? DEFAULT_PAGE_SIZE };
    const window = pageWindow(request);
    const { total, rows } = await readPagosPage(this.dataSource, tenantId, filter, window);
    const pagos = await this.withDocumentos(tenantId, rows);
    const saldos = await readSaldos(this.dataSource, tenantId, invoicesOf(pagos));
    return { ...toPage(pagos, total, request), saldos };
  }

  async forInvoice(tenantId: string, uuid: string): Promise<PagosDeDocumento> {
    const idDocumento = validUuid('Uuid', uuid, { cfdFolio: true });
    const parcialidades = await readPartialities(this.dataSource, tenantId, idDocumento);
    const [saldo] = await readSaldos(this.dataSource, tenantId, [idDocumento]);
    return { idDocumento, ...(saldo ? { saldo } : {}), parcialidades };
  }

  async forPayment(tenantId: string, uuid: string): Promise<PagoCfdi> {
    const uuidPago = validUuid('Uuid', uuid);
    const { rows } = await readPagosPage(
      this.dataSource,
      tenantId,
      { uuidPago },
      { limit: MAX_PAGOS_PER_CFDI, offset: 0 },
    );
    const pagos = await this.withDocumentos(tenantId, rows);
    const invoices = invoicesOf(pagos);
    const saldos = await readSaldos(this.dataSource, tenantId, invoices);
    const held = await heldDocuments(this.dataSource, tenantId, invoices);
    return {
      uuid: uuidPago,
      pagos: [...pagos].sort((a, b) => a.indice - b.indice),
      saldos,
      documentosEnIndice: invoices.filter((id) => held.has(id)),
    };
  }

  private async withDocumentos(
    tenantId: string,
    rows: readonly (PagoHeader & { rfc: string })[],
  ): Promise<PagoConsultado[]> {
    const documentos = await readDocumentos(this.dataSource, tenantId, rows);
    return rows.map(({ rfc: _rfc, ...pago }) => ({
      ...pago,
      documentos: documentos.get(`${pago.uuid}|${pago.indice}`) ?? [],
    }));
  }
}

/** The distinct invoices the payments settle, in order of first appearance. */
function invoicesOf(pagos: readonly PagoConsultado[]): string[] {
  return [...new Set(pagos.flatMap((pago) => pago.documentos.map((documento) => documento.idDocumento)))];
}
