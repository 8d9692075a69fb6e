import type { PagoComplemento } from '../../sat';
import { fromMexicoWallClock } from '../periods/mexico-time';
import type { DocumentoPagado } from './pagos-queries';

/** One `Pago` as cfdi_pagos stores it (amounts as decimal text, FechaPago as an ISO instant). */
export interface PagoRow {
  /** Position within the complement, from 1. */
  readonly indice: number;
  readonly versionPagos: '1.0' | '2.0';
  readonly fechaPago: string | null;
  readonly formaDePagoP: string | null;
  readonly monedaP: string | null;
  readonly tipoCambioP: string | null;
  readonly monto: string | null;
}

/** One `DoctoRelacionado` as cfdi_pago_documentos stores it: what is answered, and its `Pago`. */
export interface PagoDocumentoRow extends DocumentoPagado {
  readonly indicePago: number;
}

/** The rows of one payment CFDI, and what of it could not be stored (said on the package). */
export interface PagoRows {
  readonly pagos: readonly PagoRow[];
  readonly documentos: readonly PagoDocumentoRow[];
  readonly problems: readonly string[];
}

/** xs:decimal as the complement writes it, bounded so a numeric column takes it whole. */
const DECIMAL = /^[+-]?\d{1,24}(\.\d{1,12})?$/;
const WHOLE = /^\d{1,9}$/;

/**
 * The complement's values made storable, and every one that is not said rather than dropped: an
 * amount that is no decimal or a FechaPago that is no date is stored empty with a problem; a
 * DoctoRelacionado without IdDocumento cannot be found by invoice, so it is left out with a problem.
 */
export function pagoRows(complemento: readonly PagoComplemento[]): PagoRows {
  const pagos: PagoRow[] = [];
  const documentos: PagoDocumentoRow[] = [];
  const problems: string[] = [];
  for (const [position, pago] of complemento.entries()) {
    const indice = position + 1;
    const where = `Pago ${indice}`;
    const decimal = (at: string, field: string, value: string): string | null => {
      if (!value) return null;
      if (DECIMAL.test(value)) return value.replace(/^\+/, '');
      problems.push(`${at}: ${field} "${value}" no es un importe`);
      return null;
    };
    pagos.push({
      indice,
      versionPagos: pago.version,
      fechaPago: fechaPago(pago.fechaPago, where, problems),
      formaDePagoP: pago.formaDePagoP || null,
      monedaP: pago.monedaP || null,
      tipoCambioP: decimal(where, 'TipoCambioP', pago.tipoCambioP),
      monto: decimal(where, 'Monto', pago.monto),
    });
    for (const [index, documento] of pago.documentos.entries()) {
      const at = `${where}, DoctoRelacionado ${index + 1}`;
      if (!documento.idDocumento) {
        problems.push(`${at}: sin IdDocumento`);
        continue;
      }
      const parcialidad = documento.numParcialidad;
      if (parcialidad && !WHOLE.test(parcialidad))
        problems.push(`${at}: NumParcialidad "${parcialidad}" no es un número`);
      const amount = (field: string, value: string): string | null => decimal(at, field, value);
      documentos.push({
        indicePago: indice,
        indice: index + 1,
        idDocumento: documento.idDocumento,
        serie: documento.serie || null,
        folio: documento.folio || null,
        monedaDR: documento.monedaDR || null,
        equivalenciaDR: amount('EquivalenciaDR', documento.equivalenciaDR),
        tipoCambioDR: amount('TipoCambioDR', documento.tipoCambioDR),
        numParcialidad: parcialidad && WHOLE.test(parcialidad) ? Number(parcialidad) : null,
        impSaldoAnt: amount('ImpSaldoAnt', documento.impSaldoAnt),
        impPagado: amount('ImpPagado', documento.impPagado),
        impSaldoInsoluto: amount('ImpSaldoInsoluto', documento.impSaldoInsoluto),
      });
    }
  }
  return { pagos, documentos, problems };
}

function fechaPago(text: string, where: string, problems: string[]): string | null {
  if (!text) {
    problems.push(`${where}: sin FechaPago`);
    return null;
  }
  try {
    // t_FechaH: yyyy-MM-ddTHH:mm:ss, Mexico City wall clock (some issuers add fractions of a second).
    return fromMexicoWallClock(text.replace(' ', 'T').slice(0, 19)).toISOString();
  } catch {
    problems.push(`${where}: FechaPago "${text}" no es una fecha`);
    return null;
  }
}
