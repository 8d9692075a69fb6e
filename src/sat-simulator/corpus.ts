import { createHash } from 'node:crypto';
import { PaymentLedger, type CorpusPago } from './corpus-payments';
import type { Servicio } from './protocol';

export type { CorpusDoctoRelacionado, CorpusPago } from './corpus-payments';

export type Efecto = 'I' | 'E' | 'T' | 'N' | 'P';

/** One synthetic document: what its XML says and what SAT's metadata describes. */
export interface CorpusDocument {
  readonly uuid: string;
  readonly servicio: Servicio;
  /** CFDI 4.0 or 3.3; Retenciones 2.0. */
  readonly version: '4.0' | '3.3' | '2.0';
  readonly rfcEmisor: string;
  readonly nombreEmisor: string;
  readonly rfcReceptor: string;
  readonly nombreReceptor: string;
  readonly rfcPac: string;
  readonly fechaEmision: Date;
  readonly fechaCertificacion: Date;
  readonly monto: string;
  readonly moneda: string;
  /** TipoDeComprobante for CFDI; Retenciones have none and SAT's metadata shows them as ingresos. */
  readonly efecto: Efecto;
  /** SAT's Complemento code when the document carries one (the Solicitud filter of the same name). */
  readonly complemento: string | undefined;
  readonly rfcACuentaTerceros: string | undefined;
  readonly nombreACuentaTerceros: string | undefined;
  readonly vigente: boolean;
  readonly fechaCancelacion: Date | undefined;
  /** Type P only: the `Pago`s of its payment complement (see PaymentLedger). */
  readonly pagos: readonly CorpusPago[] | undefined;
}

export interface CorpusOptions {
  /** Most documents an RFC has per day (emitted and received together); the actual count varies by day. */
  readonly documentsPerDay: number;
  readonly seed: string;
}

/** Counterparts every synthetic taxpayer trades with (a few legal entities, a person, the public). */
export const COUNTERPARTS: readonly { rfc: string; nombre: string }[] = Object.freeze([
  { rfc: 'AAA010101AAA', nombre: 'ABARROTES Y ALIMENTOS DEL CENTRO' },
  { rfc: 'BBB020202BBB', nombre: 'BODEGAS DEL BAJÍO' },
  { rfc: 'CCC030303CCC', nombre: 'COMERCIALIZADORA "LA COSTEÑA" DEL NORTE' },
  { rfc: 'DDD040404DDD', nombre: 'DISTRIBUIDORA & LOGÍSTICA DEL PACÍFICO' },
  { rfc: 'GOMA800101AB1', nombre: 'MARÍA GUADALUPE GÓMEZ ÁLVAREZ' },
  { rfc: 'XAXX010101000', nombre: 'PUBLICO EN GENERAL' },
]);
const PACS = ['SAT970701NN3', 'SPR190613I52', 'EME000602QR9'];
const TERCEROS = [
  { rfc: 'TER050505TE5', nombre: 'COMISIONISTA DE SERVICIOS TERCEROS' },
  { rfc: 'HEGM750303KJ2', nombre: 'MIGUEL HERNÁNDEZ GARCÍA' },
];
const EFECTOS: readonly Efecto[] = ['I', 'I', 'I', 'I', 'E', 'T', 'N', 'P'];
const RETENCION_COMPLEMENTOS = ['dividendos', 'intereses', 'pagosaextranjeros', undefined];
/** CFDI 3.3 could be issued until the end of 2022. */
const CFDI_33_UNTIL = Date.UTC(2023, 0, 1);
const DAY_MS = 86_400_000;
/**
 * Payments settle invoices of the same stretch of days (counted from the epoch), so that any day's
 * payments follow from that stretch's earlier days alone.
 */
const PAYMENT_STRETCH_DAYS = 60;
/** Stretches whose ledgers are kept, for generators running side by side (RFCs, flavours). */
const LEDGERS_KEPT = 4;

function digest(...parts: (string | number)[]): Buffer {
  return createHash('sha256').update(parts.join('|')).digest();
}

function uuidFrom(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`.toUpperCase();
}

/**
 * The taxpayer's own name, invented from its RFC so that every RFC has a stable one. It carries an Ñ
 * and an accented vowel so that every metadata row (the taxpayer is on each one) has non-ASCII text:
 * an encoding problem can never hide in a package that happened to hold only ASCII names.
 */
export function nameOf(rfc: string): string {
  const known = COUNTERPARTS.find((counterpart) => counterpart.rfc === rfc);
  if (known) return known.nombre;
  return rfc.length === 12
    ? `COMPAÑÍA ${rfc.slice(0, 3)} SA DE CV`
    : `CONTRIBUYENTE ${rfc.slice(0, 4)} NÚÑEZ`;
}

function cfdiComplemento(efecto: Efecto, version: string, selector: number): string | undefined {
  if (efecto === 'P') return version === '3.3' ? 'pagos10' : 'pagos20';
  if (efecto === 'N') return 'nomina12';
  if (efecto === 'I' && selector % 5 === 0) return 'comercioexterior11';
  if (efecto === 'T' && selector % 2 === 0) return 'cartaporte20';
  return undefined;
}

/**
 * The documents of one RFC, derived from (seed, RFC, servicio, day) alone: the same period always
 * yields the same documents, any period can be produced day by day without generating the rest, and
 * nothing is held in memory beyond the day being produced and, for payments, the invoices still owed
 * in its stretch of days.
 */
export class Corpus {
  private readonly ledgers = new Map<string, { ledger: PaymentLedger; nextDay: number }>();

  constructor(private readonly options: CorpusOptions) {}

  *documents(rfc: string, servicio: Servicio, start: Date, end: Date): Generator<CorpusDocument> {
    const firstDay = Math.floor(start.getTime() / DAY_MS);
    const lastDay = Math.floor((end.getTime() - 1) / DAY_MS);
    for (let day = firstDay; day <= lastDay; day += 1) {
      for (const document of this.day(rfc, servicio, day)) {
        const time = document.fechaEmision.getTime();
        if (time >= start.getTime() && time < end.getTime()) yield document;
      }
    }
  }

  /** One document by UUID, when `rfc` issued or received it (searched over the last six years). */
  find(rfc: string, servicio: Servicio, uuid: string, now: Date): CorpusDocument | undefined {
    const wanted = uuid.toUpperCase();
    const start = new Date(now.getTime() - 6 * 366 * DAY_MS);
    for (const document of this.documents(rfc, servicio, start, now))
      if (document.uuid === wanted) return document;
    return undefined;
  }

  /** One day's documents, payment CFDIs with the invoices they settle. */
  private *day(rfc: string, servicio: Servicio, day: number): Generator<CorpusDocument> {
    const documents = [...this.rawDay(rfc, servicio, day)];
    if (!documents.some((document) => document.efecto === 'P' && document.servicio === 'cfdi')) {
      yield* documents;
      return;
    }
    const ledger = this.ledgerThrough(rfc, servicio, day);
    for (const document of documents)
      yield document.efecto === 'P' ? { ...document, pagos: ledger.pagosOf(document.uuid) } : document;
  }

  /** The payment ledger of the day's stretch, fed every day of it up to `day`. */
  private ledgerThrough(rfc: string, servicio: Servicio, day: number): PaymentLedger {
    const stretch = Math.floor(day / PAYMENT_STRETCH_DAYS);
    const key = `${rfc}|${servicio}|${stretch}`;
    const kept = this.ledgers.get(key) ?? {
      ledger: new PaymentLedger(this.options.seed),
      nextDay: stretch * PAYMENT_STRETCH_DAYS,
    };
    this.ledgers.delete(key);
    this.ledgers.set(key, kept);
    if (this.ledgers.size > LEDGERS_KEPT) this.ledgers.delete(this.ledgers.keys().next().value as string);
    for (; kept.nextDay <= day; kept.nextDay += 1)
      kept.ledger.add([...this.rawDay(rfc, servicio, kept.nextDay)]);
    return kept.ledger;
  }

  /** One day's documents as derived, payments without their complement's content. */
  private *rawDay(rfc: string, servicio: Servicio, day: number): Generator<CorpusDocument> {
    const count =
      digest(this.options.seed, rfc, servicio, day, 'count')[0]! % (this.options.documentsPerDay + 1);
    for (let index = 0; index < count; index += 1) {
      const bytes = digest(this.options.seed, rfc, servicio, day, index);
      const extra = digest(this.options.seed, rfc, servicio, day, index, 'extra');
      const issued = bytes[0]! % 2 === 0;
      const counterpart = COUNTERPARTS[bytes[1]! % COUNTERPARTS.length]!;
      const fechaEmision = new Date(day * DAY_MS + (bytes.readUInt32BE(2) % DAY_MS));
      const vigente = bytes[6]! % 10 !== 0;
      const retenciones = servicio === 'retenciones';
      const efecto: Efecto = retenciones ? 'I' : EFECTOS[bytes[7]! % EFECTOS.length]!;
      const version = retenciones
        ? '2.0'
        : fechaEmision.getTime() < CFDI_33_UNTIL && extra[0]! % 2 === 0
          ? '3.3'
          : '4.0';
      const tercero = !retenciones && efecto === 'I' && extra[1]! % 8 === 0;
      const terceroData = tercero ? TERCEROS[extra[2]! % TERCEROS.length] : undefined;
      // Payments and transfers carry no amount of their own; SAT's metadata shows 0 for them.
      const amount = efecto === 'P' || efecto === 'T' ? 0 : (bytes.readUInt32BE(24) % 10_000_000) / 100 + 1;
      yield {
        uuid: uuidFrom(bytes.subarray(8, 24)),
        servicio,
        version,
        rfcEmisor: issued ? rfc : counterpart.rfc,
        nombreEmisor: issued ? nameOf(rfc) : counterpart.nombre,
        rfcReceptor: issued ? counterpart.rfc : rfc,
        nombreReceptor: issued ? counterpart.nombre : nameOf(rfc),
        rfcPac: PACS[extra[3]! % PACS.length]!,
        fechaEmision,
        fechaCertificacion: new Date(fechaEmision.getTime() + 60_000 + (extra[4]! % 120) * 1000),
        monto: amount.toFixed(2),
        moneda: efecto === 'P' ? 'XXX' : extra[5]! % 10 === 0 ? 'USD' : 'MXN',
        efecto,
        complemento: retenciones
          ? RETENCION_COMPLEMENTOS[extra[6]! % RETENCION_COMPLEMENTOS.length]
          : cfdiComplemento(efecto, version, extra[6]!),
        rfcACuentaTerceros: terceroData?.rfc,
        nombreACuentaTerceros: terceroData?.nombre,
        vigente,
        fechaCancelacion: vigente ? undefined : new Date(fechaEmision.getTime() + 2 * DAY_MS),
        pagos: undefined,
      };
    }
  }
}
