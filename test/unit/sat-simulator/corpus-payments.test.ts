import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { readCfdiPackage } from '../../../src/sat';
import { Corpus, type CorpusDoctoRelacionado, type CorpusDocument } from '../../../src/sat-simulator/corpus';
import { buildPackage } from '../../../src/sat-simulator/package-builder';

/*
 * The corpus's payment CFDIs settle its own invoices in one or several partialities whose balances
 * run down consistently, the same whatever period is asked, and reach the product's reader intact.
 */

const RFC = 'EKU9003173C9';
const corpus = new Corpus({ documentsPerDay: 8, seed: 'corpus-payments' });
const documents = [...corpus.documents(RFC, 'cfdi', new Date('2022-01-01'), new Date('2024-01-01'))];
const byUuid = new Map(documents.map((document) => [document.uuid, document]));
const cents = (amount: string): number => Math.round(Number(amount) * 100);

interface Partiality {
  readonly payment: CorpusDocument;
  readonly docto: CorpusDoctoRelacionado;
}

/** Every partiality of a corpus invoice, in the order its payment CFDIs were issued. */
function partialities(): Map<string, Partiality[]> {
  const found = new Map<string, Partiality[]>();
  const payments = documents
    .filter((document) => document.pagos)
    .sort((a, b) => a.fechaEmision.getTime() - b.fechaEmision.getTime());
  for (const payment of payments)
    for (const pago of payment.pagos ?? [])
      for (const docto of pago.documentos)
        if (byUuid.has(docto.idDocumento))
          found.set(docto.idDocumento, [...(found.get(docto.idDocumento) ?? []), { payment, docto }]);
  return found;
}

describe('payments in the synthetic corpus', () => {
  it('gives every type-P CFDI a complement of its version, and no other document one', () => {
    for (const document of documents) {
      if (document.efecto !== 'P') expect(document.pagos).toBeUndefined();
      else {
        expect(document.pagos?.length).toBeGreaterThan(0);
        expect(document.complemento).toBe(document.version === '3.3' ? 'pagos10' : 'pagos20');
        for (const pago of document.pagos ?? []) {
          expect(pago.documentos.length).toBeGreaterThan(0);
          expect(cents(pago.monto)).toBe(
            pago.documentos.reduce((sum, docto) => sum + cents(docto.impPagado), 0),
          );
          expect(pago.documentos.every((docto) => docto.monedaDR === pago.monedaP)).toBe(true);
          expect(pago.tipoCambioP === undefined).toBe(pago.monedaP === 'MXN');
        }
      }
    }
    const payments = documents.filter((document) => document.pagos);
    expect(new Set(payments.map((document) => document.complemento))).toEqual(
      new Set(['pagos10', 'pagos20']),
    );
    expect(payments.some((document) => (document.pagos?.length ?? 0) > 1)).toBe(true);
    expect(payments.some((document) => document.pagos?.some((pago) => pago.documentos.length > 1))).toBe(
      true,
    );
  });

  it('settles its own invoices partiality after partiality, balances running down to what is owed', () => {
    const found = partialities();
    expect(found.size).toBeGreaterThan(20);
    for (const [uuid, list] of found) {
      const invoice = byUuid.get(uuid) as CorpusDocument;
      expect(invoice.efecto).toBe('I');
      expect(invoice.vigente).toBe(true);
      expect(list[0]?.docto.impSaldoAnt).toBe(invoice.monto);
      for (const [index, { payment, docto }] of list.entries()) {
        // The payer pays its own invoice, after it was issued, and a cancelled payment settles nothing.
        expect([payment.rfcEmisor, payment.rfcReceptor]).toEqual([invoice.rfcEmisor, invoice.rfcReceptor]);
        expect(payment.fechaEmision.getTime()).toBeGreaterThanOrEqual(invoice.fechaEmision.getTime());
        expect(payment.vigente).toBe(true);
        expect(docto.numParcialidad).toBe(index + 1);
        expect(docto.monedaDR).toBe(invoice.moneda);
        expect(cents(docto.impSaldoAnt) - cents(docto.impPagado)).toBe(cents(docto.impSaldoInsoluto));
        expect(cents(docto.impPagado)).toBeGreaterThan(0);
        expect(cents(docto.impSaldoInsoluto)).toBeGreaterThanOrEqual(0);
        if (index > 0) expect(docto.impSaldoAnt).toBe(list[index - 1]?.docto.impSaldoInsoluto);
      }
    }
    const counts = [...found.values()].map((list) => list.length);
    expect(counts.some((count) => count === 1)).toBe(true);
    expect(counts.some((count) => count >= 3)).toBe(true);
    expect([...found.values()].some((list) => list.at(-1)?.docto.impSaldoInsoluto === '0.00')).toBe(true);
    expect([...found.values()].some((list) => list.at(-1)?.docto.impSaldoInsoluto !== '0.00')).toBe(true);
  });

  it('is the same whatever period is asked, and for a fresh corpus of the same seed', () => {
    const fresh = new Corpus({ documentsPerDay: 8, seed: 'corpus-payments' });
    const start = new Date('2022-05-20');
    const end = new Date('2022-06-10');
    const part = [...fresh.documents(RFC, 'cfdi', start, end)];
    const same = documents.filter(
      (document) => document.fechaEmision >= start && document.fechaEmision < end,
    );
    expect(part.some((document) => document.pagos)).toBe(true);
    expect(part).toEqual(same);
  });
});

describe('payment complements in simulator packages', () => {
  let directory: string;
  beforeAll(() => {
    directory = mkdtempSync(path.join(tmpdir(), 'dm-corpus-payments-'));
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('are read by the product as the corpus decided them, Pagos 1.0 and 2.0', async () => {
    const list = documents.filter((document) => document.pagos).slice(0, 120);
    const file = path.join(directory, 'pagos.zip');
    await pipeline(
      buildPackage({ idPaquete: 'ABCD-1234_01', kind: 'CFDI', documents: () => list, quirks: false }),
      createWriteStream(file),
    );
    const read = new Map<string, unknown>();
    for await (const event of readCfdiPackage(file)) {
      if (event.kind === 'problem') throw new Error(event.reason);
      read.set(event.document.uuid.toUpperCase(), event.document.pagos);
    }
    for (const document of list)
      expect(read.get(document.uuid)).toEqual(
        document.pagos?.map((pago) => ({
          version: document.version === '3.3' ? '1.0' : '2.0',
          fechaPago: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/),
          formaDePagoP: pago.formaDePagoP,
          monedaP: pago.monedaP,
          tipoCambioP: pago.tipoCambioP ?? (document.version === '3.3' ? '' : '1'),
          monto: pago.monto,
          documentos: pago.documentos.map((docto) => ({
            idDocumento: docto.idDocumento.toLowerCase(),
            serie: '',
            folio: '',
            monedaDR: docto.monedaDR,
            equivalenciaDR: document.version === '3.3' ? '' : '1',
            tipoCambioDR: '',
            numParcialidad: String(docto.numParcialidad),
            impSaldoAnt: docto.impSaldoAnt,
            impPagado: docto.impPagado,
            impSaldoInsoluto: docto.impSaldoInsoluto,
          })),
        })),
      );
  });
});
