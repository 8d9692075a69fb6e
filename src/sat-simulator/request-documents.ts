import type { Corpus, CorpusDocument } from './corpus';
import type { Criteria, SimulatedRequest } from './requests';

/** Documents per package of this TipoSolicitud: metadata packages hold ten times as many rows. */
export function documentsPerPackage(tipoSolicitud: Criteria['tipoSolicitud'], perPackage: number): number {
  return tipoSolicitud === 'Metadata' ? Math.max(perPackage * 10, 1) : perPackage;
}

/**
 * The documents a request sees: the corpus filtered by its criteria, as SAT knew them when it took the
 * request (cancellations planted by tests included).
 */
export class RequestDocuments {
  /** Cancellations planted by tests, by upper-case UUID: when each took effect. */
  private readonly cancellations = new Map<string, Date>();

  constructor(
    private readonly corpus: Corpus,
    private readonly perPackage: number,
  ) {}

  /** A folio request for a cancelled document: SAT refuses its XML at Solicitud (5012). */
  cancelledFolio(criteria: Criteria, now: Date): boolean {
    if (criteria.tipo !== 'Folio' || !criteria.folio) return false;
    const found = this.corpus.find(criteria.rfc, criteria.servicio, criteria.folio, now);
    return found !== undefined && !this.asOf(found, now).vigente;
  }

  /**
   * From `at` on, the document is cancelled: the corpus fixes each document's status for ever, and a
   * test needs one that changes after its XML was downloaded. Requests accepted before `at` still
   * see it valid (SAT answers from the state at the time it took the request).
   */
  cancel(uuid: string, at: Date): void {
    this.cancellations.set(uuid.toUpperCase(), at);
  }

  plantedCancellations(): { uuid: string; at: Date }[] {
    return [...this.cancellations].map(([uuid, at]) => ({ uuid, at }));
  }

  clear(): void {
    this.cancellations.clear();
  }

  /** The document as SAT knew it at `when`: a planted cancellation in effect by then overrides it. */
  private asOf(document: CorpusDocument, when: Date): CorpusDocument {
    const at = this.cancellations.get(document.uuid);
    if (!at || at.getTime() > when.getTime() || !document.vigente) return document;
    return { ...document, vigente: false, fechaCancelacion: at };
  }

  count(request: SimulatedRequest, now: Date): number {
    let total = 0;
    for (const document of this.matching(request, now)) {
      void document;
      total += 1;
    }
    return total;
  }

  /** The documents of a request, in corpus order, as they stood when SAT took the request. */
  *matching(request: SimulatedRequest, now: Date): Generator<CorpusDocument> {
    const { criteria } = request;
    if (criteria.tipo === 'Folio') {
      const found = criteria.folio
        ? this.corpus.find(criteria.rfc, criteria.servicio, criteria.folio, now)
        : undefined;
      if (found && this.asOf(found, request.createdAt).vigente) yield found;
      return;
    }
    if (!criteria.start || !criteria.end) return;
    for (const derived of this.corpus.documents(
      criteria.rfc,
      criteria.servicio,
      criteria.start,
      criteria.end,
    )) {
      const document = this.asOf(derived, request.createdAt);
      const own = criteria.tipo === 'Emitidos' ? document.rfcEmisor : document.rfcReceptor;
      const other = criteria.tipo === 'Emitidos' ? document.rfcReceptor : document.rfcEmisor;
      if (own !== criteria.rfc) continue;
      if (criteria.rfcContrapartes.length > 0 && !criteria.rfcContrapartes.includes(other)) continue;
      if (criteria.tipoComprobante && document.efecto !== criteria.tipoComprobante) continue;
      if (criteria.estadoComprobante === 'Vigente' && !document.vigente) continue;
      if (criteria.estadoComprobante === 'Cancelado' && document.vigente) continue;
      if (criteria.complemento && document.complemento !== criteria.complemento) continue;
      if (criteria.rfcACuentaTerceros && document.rfcACuentaTerceros !== criteria.rfcACuentaTerceros)
        continue;
      yield document;
    }
  }

  /** The documents of one package (`<ID>_NN`), produced anew on each call. */
  *packageDocuments(request: SimulatedRequest, idPaquete: string, now: Date): Generator<CorpusDocument> {
    const index = Number(idPaquete.split('_').pop()) - 1;
    const perPackage = documentsPerPackage(request.criteria.tipoSolicitud, this.perPackage);
    let position = 0;
    for (const document of this.matching(request, now)) {
      if (position >= index * perPackage && position < (index + 1) * perPackage) yield document;
      position += 1;
    }
  }
}
