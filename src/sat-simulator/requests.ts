import { randomUUID } from 'node:crypto';
import type { Corpus, CorpusDocument } from './corpus';
import { mexicoDay } from './mexico-time';
import { ESTADO, type Servicio } from './protocol';
import { RequestDocuments, documentsPerPackage } from './request-documents';

export type TipoConsulta = 'Emitidos' | 'Recibidos' | 'Folio';

export interface Criteria {
  readonly servicio: Servicio;
  readonly rfc: string;
  readonly tipo: TipoConsulta;
  readonly tipoSolicitud: 'CFDI' | 'Metadata';
  readonly start: Date | undefined;
  readonly end: Date | undefined;
  readonly rfcContrapartes: readonly string[];
  readonly tipoComprobante: string | undefined;
  readonly estadoComprobante: string | undefined;
  readonly complemento: string | undefined;
  readonly rfcACuentaTerceros: string | undefined;
  readonly folio: string | undefined;
}

/** How a request ends when a test or demo decides it instead of the corpus. */
export type ForcedOutcome = 'Error' | 'Rechazada' | 'Stuck';

export interface SimulatedRequest {
  readonly id: string;
  readonly criteria: Criteria;
  readonly createdAt: Date;
  readonly forced?: ForcedOutcome;
  outcome?: { estado: number; codigo: string; numeroCfdis: number; paquetes: string[]; finishedAt: Date };
}

export interface RequestRules {
  readonly delaySeconds: number;
  readonly maxCfdi: number;
  readonly maxMetadata: number;
  readonly perPackage: number;
  readonly packageLifetimeHours: number;
  /** Folio requests an RFC may have verified per day before Verifica answers 5011. */
  readonly folioRequestsPerDay: number;
}

/** Seconds a request of each TipoSolicitud stays Aceptada before its normal progression starts. */
export interface HoldAccepted {
  readonly Metadata?: number;
  readonly CFDI?: number;
}

/** SAT's behaviours a test may switch at run time (the registry starts from the simulator's options). */
export interface RequestSettings {
  readonly holdAccepted: HoldAccepted;
  /** Identical Metadata requests are limited to two in a lifetime too (SAT's behaviour is disputed). */
  readonly countMetadataLifetime: boolean;
  /** SolicitaDescarga requests an RFC may have accepted per Mexico City day (beyond: 5011). */
  readonly dailyRequestLimit: number | undefined;
}

/** How many times SAT accepted a request with exactly these criteria (what its 5002 counts). */
export interface LifetimeCount {
  readonly criteria: Criteria;
  readonly count: number;
}

function key(criteria: Criteria): string {
  return JSON.stringify({
    ...criteria,
    start: criteria.start?.toISOString(),
    end: criteria.end?.toISOString(),
  });
}

/** Every request the simulator accepted, and SAT's rules about them. */
export class RequestRegistry {
  private readonly requests = new Map<string, SimulatedRequest>();
  private readonly lifetimeUses = new Map<string, LifetimeCount>();
  private readonly forcedOutcomes: { outcome: ForcedOutcome; rfc: string | undefined }[] = [];
  private readonly documents: RequestDocuments;

  settings: RequestSettings;

  constructor(
    corpus: Corpus,
    private readonly rules: RequestRules,
    settings: Partial<RequestSettings> = {},
  ) {
    this.documents = new RequestDocuments(corpus, rules.perPackage);
    this.settings = {
      holdAccepted: {},
      countMetadataLifetime: false,
      dailyRequestLimit: undefined,
      ...settings,
    };
  }

  /**
   * SAT's lifetime count for these exact criteria: every request accepted with them, Metadata included
   * whether or not `countMetadataLifetime` makes SAT refuse the third one.
   */
  lifetimeUse(criteria: Criteria): number {
    return this.lifetimeUses.get(key(criteria))?.count ?? 0;
  }

  /** SAT's lifetime count of every set of criteria it has accepted at least once. */
  lifetimeCounts(): LifetimeCount[] {
    return [...this.lifetimeUses.values()];
  }

  /** SolicitaDescarga requests of `rfc` (both flavours) accepted on the Mexico City day of `now`. */
  acceptedOnDay(rfc: string, now: Date): number {
    const day = mexicoDay(now);
    return this.all().filter(
      (request) => request.criteria.rfc === rfc && mexicoDay(request.createdAt) === day,
    ).length;
  }

  all(): SimulatedRequest[] {
    return [...this.requests.values()];
  }

  get(id: string): SimulatedRequest | undefined {
    return this.requests.get(id.toLowerCase());
  }

  /** A folio request for a cancelled document: SAT refuses its XML at Solicitud (5012). */
  cancelledFolio(criteria: Criteria, now: Date): boolean {
    return this.documents.cancelledFolio(criteria, now);
  }

  /** From `at` on, the document is cancelled (see RequestDocuments.cancel). */
  cancel(uuid: string, at: Date): void {
    this.documents.cancel(uuid, at);
  }

  plantedCancellations(): { uuid: string; at: Date }[] {
    return this.documents.plantedCancellations();
  }

  /** The next request accepted (for `rfc`, or for anyone) ends this way whatever the corpus holds. */
  force(outcome: ForcedOutcome, rfc?: string): void {
    this.forcedOutcomes.push({ outcome, rfc: rfc?.toUpperCase() });
  }

  clear(): void {
    this.requests.clear();
    this.lifetimeUses.clear();
    this.forcedOutcomes.length = 0;
    this.documents.clear();
  }

  /**
   * SAT's daily limit of folio (single UUID) requests: the RFC's folio requests accepted on the same
   * Mexico City day as this one, counted up to it, beyond the limit answer 5011.
   */
  overFolioLimit(request: SimulatedRequest): boolean {
    if (request.criteria.tipo !== 'Folio') return false;
    const day = mexicoDay(request.createdAt);
    const sameDay = this.all().filter(
      (other) =>
        other.criteria.tipo === 'Folio' &&
        other.criteria.rfc === request.criteria.rfc &&
        mexicoDay(other.createdAt) === day,
    );
    return sameDay.indexOf(request) >= this.rules.folioRequestsPerDay;
  }

  /**
   * SAT's code for a new request, checked in this order: 5005 if an identical one is active, 5002 when
   * the same criteria were accepted twice (XML always, Metadata when `countMetadataLifetime`), 5011
   * when the RFC has used its `dailyRequestLimit` for the Mexico City day; otherwise it is accepted.
   */
  submit(criteria: Criteria, now: Date): { codEstatus: string; request?: SimulatedRequest } {
    const criteriaKey = key(criteria);
    const active = this.all().find(
      (request) => key(request.criteria) === criteriaKey && !this.finished(request, now),
    );
    if (active) return { codEstatus: '5005' };
    const used = this.lifetimeUses.get(criteriaKey)?.count ?? 0;
    const limited = criteria.tipoSolicitud === 'CFDI' || this.settings.countMetadataLifetime;
    if (limited && used >= 2) return { codEstatus: '5002' };
    const daily = this.settings.dailyRequestLimit;
    if (daily !== undefined && this.acceptedOnDay(criteria.rfc, now) >= daily) return { codEstatus: '5011' };
    this.lifetimeUses.set(criteriaKey, { criteria, count: used + 1 });
    const forcedIndex = this.forcedOutcomes.findIndex(
      (item) => item.rfc === undefined || item.rfc === criteria.rfc,
    );
    const forced = forcedIndex < 0 ? undefined : this.forcedOutcomes.splice(forcedIndex, 1)[0]?.outcome;
    const request: SimulatedRequest = { id: randomUUID(), criteria, createdAt: now, forced };
    this.requests.set(request.id, request);
    return { codEstatus: '5000', request };
  }

  /**
   * How long a request stays Aceptada: held (the current setting, so lowering it releases requests
   * already held), then `delaySeconds`.
   */
  private acceptedMs(request: SimulatedRequest): number {
    const hold = this.settings.holdAccepted[request.criteria.tipoSolicitud] ?? 0;
    return (hold + this.rules.delaySeconds) * 1000;
  }

  private finished(request: SimulatedRequest, now: Date): boolean {
    if (request.outcome) return true;
    const elapsed = now.getTime() - request.createdAt.getTime();
    return elapsed >= this.acceptedMs(request) + this.rules.delaySeconds * 1000;
  }

  /**
   * EstadoSolicitud as time passes: Aceptada (held, then `delaySeconds`), EnProceso, then the outcome;
   * Vencida after SAT's 72 h. Once concluded a request keeps its outcome whatever the settings become.
   */
  status(
    request: SimulatedRequest,
    now: Date,
  ): NonNullable<SimulatedRequest['outcome']> | { estado: number } {
    if (!request.outcome) {
      const elapsed = now.getTime() - request.createdAt.getTime();
      if (elapsed < this.acceptedMs(request)) return { estado: ESTADO.Aceptada };
      if (!this.finished(request, now) || request.forced === 'Stuck') return { estado: ESTADO.EnProceso };
    }
    request.outcome ??= this.conclude(request, now);
    const expiry = request.outcome.finishedAt.getTime() + this.rules.packageLifetimeHours * 3_600_000;
    if (request.outcome.estado === ESTADO.Terminada && now.getTime() > expiry)
      return { ...request.outcome, estado: ESTADO.Vencida };
    return request.outcome;
  }

  private conclude(request: SimulatedRequest, now: Date): NonNullable<SimulatedRequest['outcome']> {
    // SAT's own failure (state 4) carries "Error no Controlado"; a forced rejection looks like "no data".
    if (request.forced === 'Error')
      return { estado: ESTADO.Error, codigo: '404', numeroCfdis: 0, paquetes: [], finishedAt: now };
    if (request.forced === 'Rechazada')
      return { estado: ESTADO.Rechazada, codigo: '5004', numeroCfdis: 0, paquetes: [], finishedAt: now };
    const count = this.documents.count(request, now);
    const maximum = request.criteria.tipoSolicitud === 'CFDI' ? this.rules.maxCfdi : this.rules.maxMetadata;
    if (count === 0)
      return { estado: ESTADO.Rechazada, codigo: '5004', numeroCfdis: 0, paquetes: [], finishedAt: now };
    if (count > maximum)
      return { estado: ESTADO.Rechazada, codigo: '5003', numeroCfdis: count, paquetes: [], finishedAt: now };
    const perPackage = documentsPerPackage(request.criteria.tipoSolicitud, this.rules.perPackage);
    const packages = Math.ceil(count / perPackage);
    const ids = Array.from(
      { length: packages },
      (_, index) => `${request.id.toUpperCase()}_${String(index + 1).padStart(2, '0')}`,
    );
    return { estado: ESTADO.Terminada, codigo: '5000', numeroCfdis: count, paquetes: ids, finishedAt: now };
  }

  /** The documents of a request, in corpus order, as they stood when SAT took the request. */
  matching(request: SimulatedRequest, now: Date): Generator<CorpusDocument> {
    return this.documents.matching(request, now);
  }

  /** The documents of one package (`<ID>_NN`), produced anew on each call. */
  packageDocuments(request: SimulatedRequest, idPaquete: string, now: Date): Generator<CorpusDocument> {
    return this.documents.packageDocuments(request, idPaquete, now);
  }
}
