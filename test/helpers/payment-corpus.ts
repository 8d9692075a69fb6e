import { decimalText } from '../../src/services/cfdi/decimal-text';
import { toMexicoWallClock } from '../../src/services/periods/mexico-time';
import { Corpus, type CorpusDoctoRelacionado, type CorpusDocument } from '../../src/sat-simulator/corpus';
import { fromMexicoTime, mexicoDay } from '../../src/sat-simulator/mexico-time';

/*
 * What the simulator started by the application in SAT_MODE=simulator (its default seed and size)
 * holds for an RFC: read independently from the corpus, to check what ConsultarCfdi and
 * ConsultarPagos answer after the product downloaded and indexed it.
 */

/** The simulator's defaults (src/sat-simulator/app.ts). */
export const SIMULATOR_CORPUS = new Corpus({ documentsPerDay: 4, seed: 'descarga-masiva' });

export interface Partiality {
  readonly payment: CorpusDocument;
  readonly docto: CorpusDoctoRelacionado;
}

export interface PaidInvoice {
  readonly invoice: CorpusDocument;
  /** In order of payment. */
  readonly partialities: readonly Partiality[];
  /** From the invoice's issue day to its last partiality's, Mexico City wall clock, inclusive. */
  readonly fechaInicial: string;
  readonly fechaFinal: string;
  /** Every document the RFC issued in the period (what a download of Emitidos brings). */
  readonly issued: readonly CorpusDocument[];
}

/**
 * The first invoice the RFC issued in the year that its own payment CFDIs settle in `count` or more
 * partialities, with the period that covers it and every payment.
 */
export function invoicePaidInPartialities(rfc: string, year: number, count = 3): PaidInvoice {
  const start = fromMexicoTime(`${year}-01-01T00:00:00`) as Date;
  const end = fromMexicoTime(`${year + 1}-01-01T00:00:00`) as Date;
  const issued = [...SIMULATOR_CORPUS.documents(rfc, 'cfdi', start, end)].filter(
    (document) => document.rfcEmisor === rfc,
  );
  const settled = new Map<string, Partiality[]>();
  const payments = issued
    .filter((document) => document.pagos)
    .sort((a, b) => a.fechaEmision.getTime() - b.fechaEmision.getTime());
  for (const payment of payments)
    for (const pago of payment.pagos ?? [])
      for (const docto of pago.documentos)
        settled.set(docto.idDocumento, [...(settled.get(docto.idDocumento) ?? []), { payment, docto }]);
  for (const invoice of issued) {
    const partialities = settled.get(invoice.uuid) ?? [];
    if (invoice.efecto !== 'I' || partialities.length < count) continue;
    const fechaInicial = `${mexicoDay(invoice.fechaEmision)}T00:00:00`;
    const fechaFinal = `${mexicoDay(partialities.at(-1)?.payment.fechaEmision as Date)}T23:59:59`;
    const from = fromMexicoTime(fechaInicial) as Date;
    const to = new Date((fromMexicoTime(fechaFinal) as Date).getTime() + 1000);
    return {
      invoice,
      partialities,
      fechaInicial,
      fechaFinal,
      issued: [...SIMULATOR_CORPUS.documents(rfc, 'cfdi', from, to)].filter(
        (document) => document.rfcEmisor === rfc,
      ),
    };
  }
  throw new Error(`no invoice of ${rfc} paid in ${count} partialities in ${year}`);
}

/** A corpus amount as the contract prints it: the xs:decimal without trailing zeros. */
export function printed(amount: string): string {
  return decimalText(amount) as string;
}

/** A corpus instant as the contract prints it. */
export function wallClock(instant: Date): string {
  return toMexicoWallClock(instant);
}
