import { createHash } from 'node:crypto';

/** One `DoctoRelacionado` a synthetic payment writes: amounts in cents' text, as issuers write them. */
export interface CorpusDoctoRelacionado {
  /** The invoice's UUID as the corpus writes UUIDs (upper case). */
  readonly idDocumento: string;
  readonly monedaDR: string;
  readonly numParcialidad: number;
  readonly impSaldoAnt: string;
  readonly impPagado: string;
  readonly impSaldoInsoluto: string;
}

/** One `Pago` of a synthetic payment CFDI (type P). */
export interface CorpusPago {
  readonly fechaPago: Date;
  readonly formaDePagoP: string;
  readonly monedaP: string;
  /** Only when MonedaP is not MXN. */
  readonly tipoCambioP: string | undefined;
  readonly monto: string;
  readonly documentos: readonly CorpusDoctoRelacionado[];
}

/** What the ledger needs of a corpus document (a subset of CorpusDocument). */
export interface PayableDocument {
  readonly uuid: string;
  readonly rfcEmisor: string;
  readonly rfcReceptor: string;
  readonly fechaEmision: Date;
  readonly monto: string;
  readonly moneda: string;
  readonly efecto: string;
  readonly vigente: boolean;
}

interface OpenInvoice {
  readonly uuid: string;
  readonly moneda: string;
  /** Balance still owed, in cents. */
  saldo: number;
  parcialidades: number;
}

const FORMAS = ['03', '02', '01', '28'];

function digest(...parts: (string | number)[]): Buffer {
  return createHash('sha256').update(parts.join('|')).digest();
}

function cents(amount: string): number {
  return Math.round(Number(amount) * 100);
}

function money(value: number): string {
  return (value / 100).toFixed(2);
}

/**
 * Which invoices the payment CFDIs of one stretch of days settle, decided from the documents alone
 * as they come in date order: every valid ingreso bought on credit (PPD: a third of them, by its UUID)
 * waits in its issuer/receiver pair's queue; every valid payment CFDI of the same pair settles the
 * oldest one (or, one time in three, two) waiting, each for part of its balance (25% to 50%) or, one
 * time in four, the rest of it, so an invoice is paid in one or several partialities whose balances
 * run down (ImpSaldoAnt - ImpPagado = ImpSaldoInsoluto, and the next ImpSaldoAnt is that
 * ImpSaldoInsoluto) until it is paid off and leaves the queue. Few per pair, so that several
 * partialities are common. A payment with nothing waiting (or a cancelled one, which would break the
 * run of partialities) settles an invoice issued before the corpus in one go. Only the stretch's past
 * is used, so the answer for a day never depends on later days.
 */
export class PaymentLedger {
  private readonly queues = new Map<string, OpenInvoice[]>();
  private readonly plans = new Map<string, readonly CorpusPago[]>();

  constructor(private readonly seed: string) {}

  /** Feeds one day's documents (call day by day, in order); their payments are then `pagosOf` them. */
  add(documents: readonly PayableDocument[]): void {
    const ordered = [...documents].sort(
      (a, b) => a.fechaEmision.getTime() - b.fechaEmision.getTime() || a.uuid.localeCompare(b.uuid),
    );
    for (const document of ordered) {
      const pair = `${document.rfcEmisor}|${document.rfcReceptor}`;
      if (document.efecto === 'I' && document.vigente && this.onCredit(document.uuid)) {
        const queue = this.queues.get(pair) ?? [];
        queue.push({
          uuid: document.uuid,
          moneda: document.moneda,
          saldo: cents(document.monto),
          parcialidades: 0,
        });
        this.queues.set(pair, queue);
      } else if (document.efecto === 'P') {
        const queue = document.vigente ? (this.queues.get(pair) ?? []) : [];
        this.plans.set(document.uuid, this.settle(document, queue));
      }
    }
  }

  pagosOf(uuid: string): readonly CorpusPago[] | undefined {
    return this.plans.get(uuid);
  }

  private onCredit(uuid: string): boolean {
    return digest(this.seed, uuid, 'ppd')[0]! % 3 === 0;
  }

  private settle(payment: PayableDocument, queue: OpenInvoice[]): CorpusPago[] {
    const bytes = digest(this.seed, payment.uuid, 'pagos');
    const forma = FORMAS[bytes[0]! % FORMAS.length]!;
    const taken = queue.slice(0, bytes[1]! % 3 === 0 ? 2 : 1);
    if (taken.length === 0) return [this.foreignInvoice(payment, bytes, forma)];
    const documentos = taken.map((invoice, index) => {
      const selector = bytes[2 + index]!;
      const part = Math.max(1, Math.floor((invoice.saldo * (25 + (selector % 26))) / 100));
      const pagado = selector % 4 === 0 ? invoice.saldo : Math.min(part, invoice.saldo);
      const saldoAnt = invoice.saldo;
      invoice.saldo -= pagado;
      invoice.parcialidades += 1;
      return {
        moneda: invoice.moneda,
        docto: {
          idDocumento: invoice.uuid,
          monedaDR: invoice.moneda,
          numParcialidad: invoice.parcialidades,
          impSaldoAnt: money(saldoAnt),
          impPagado: money(pagado),
          impSaldoInsoluto: money(invoice.saldo),
        },
        pagado,
      };
    });
    for (const invoice of taken) if (invoice.saldo === 0) queue.splice(queue.indexOf(invoice), 1);
    // One Pago per currency; one time in four, one Pago per invoice (as when each was paid apart).
    const apart = bytes[6]! % 4 === 0;
    const groups = new Map<string, typeof documentos>();
    for (const [index, item] of documentos.entries()) {
      const key = apart ? `${item.moneda}|${index}` : item.moneda;
      groups.set(key, [...(groups.get(key) ?? []), item]);
    }
    return [...groups.values()].map((items) => {
      const moneda = items[0]!.moneda;
      return {
        fechaPago: payment.fechaEmision,
        formaDePagoP: forma,
        monedaP: moneda,
        tipoCambioP: moneda === 'MXN' ? undefined : (16 + (bytes[7]! % 400) / 100).toFixed(4),
        monto: money(items.reduce((sum, item) => sum + item.pagado, 0)),
        documentos: items.map((item) => item.docto),
      };
    });
  }

  /** A single payment of an invoice the corpus does not hold (issued before its first day). */
  private foreignInvoice(payment: PayableDocument, bytes: Buffer, forma: string): CorpusPago {
    const hex = digest(this.seed, payment.uuid, 'anterior').toString('hex');
    const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-b${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
    const amount = (bytes.readUInt32BE(8) % 5_000_000) + 100;
    return {
      fechaPago: payment.fechaEmision,
      formaDePagoP: forma,
      monedaP: 'MXN',
      tipoCambioP: undefined,
      monto: money(amount),
      documentos: [
        {
          idDocumento: uuid.toUpperCase(),
          monedaDR: 'MXN',
          numParcialidad: 1,
          impSaldoAnt: money(amount),
          impPagado: money(amount),
          impSaldoInsoluto: money(0),
        },
      ],
    };
  }
}
