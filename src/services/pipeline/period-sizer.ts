import type { DataSource } from 'typeorm';
import { SatRequest, nextSatRequestParte, type Solicitud } from '../../db';
import { splitByMexicoDay } from '../periods/mexico-days';
import { rangeLengthMs, timeRange, type TimeRange } from '../periods/time-range';
import {
  capFor,
  indexDensity,
  planSplit,
  segmentDays,
  sizeFromIndex,
  unindexedGaps,
  unsizedGaps,
  type PlannedPart,
  type SatCaps,
  type SizingScope,
} from '../planning';
import { filtrosOf } from './stored-filters';

export interface PeriodSizerOptions {
  readonly caps: SatCaps;
  /** Waits between looks at the sizing metadata: from the first to the longest, growing with time. */
  readonly recheckInitialSeconds: number;
  readonly recheckMaxSeconds: number;
  /**
   * SIZING_MAX_WAIT: past this long after the request was created, a period still unsized is asked
   * for by Mexico City day instead of waiting on (SAT leaves metadata requests in state 1 for days).
   */
  readonly maxWaitSeconds: number;
  readonly clock: () => Date;
}

/** SIZING_MAX_WAIT's default, for a pipeline built without it. */
export const DEFAULT_SIZING_MAX_WAIT_SECONDS = 3 * 3600;

const DAY_MS = 24 * 3_600_000;

/** A part to create: its size when the index knows it, null when only SAT will tell (5003 or not). */
interface ChildPart {
  readonly periodo: TimeRange;
  readonly documentos: number | null;
}

/** `10800` as `3h`, the way SIZING_MAX_WAIT is written. */
function asDuration(seconds: number): string {
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
  ] as const) {
    if (seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}

/** What the solicitar step does with a request that needed sizing. */
export type SizingOutcome =
  | { readonly kind: 'send' }
  | { readonly kind: 'wait'; readonly until: Date }
  | { readonly kind: 'split'; readonly children: readonly string[] };

/**
 * Sizes an XML period before its request is spent. SAT answers 5003 to a request over its cap, and
 * that answer still uses up one of the two requests SAT allows for those criteria; so the period is
 * measured first: from our metadata index once it describes the whole period, waiting meanwhile for
 * the metadata on its way (the sizing solicitud registration created, or any other). Then the period
 * is split so each part fits. When that metadata fails, the period is sent whole and SAT's 5003, if
 * it comes, still splits it. When it takes longer than SIZING_MAX_WAIT (SAT has left metadata
 * requests in state 1 for days while XML requests went through), the period is asked for by day,
 * small enough that 5003 is rare and cheap; the metadata request goes on, and its index sizes later
 * periods.
 */
export class PeriodSizer {
  constructor(
    private readonly dataSource: DataSource,
    private readonly options: PeriodSizerOptions,
  ) {}

  async size(request: SatRequest, solicitud: Solicitud): Promise<SizingOutcome> {
    if (!request.periodoInicio || !request.periodoFin) return this.sendWhole(request, null);
    const range = timeRange(request.periodoInicio, request.periodoFin);
    const scope: SizingScope = {
      tenantId: solicitud.tenantId,
      rfc: solicitud.rfc,
      contexto: solicitud.contexto,
      tipoSolicitud: solicitud.tipoSolicitud,
      tipoDocumento: solicitud.tipoDocumento,
      filtros: filtrosOf(solicitud),
    };
    const cap = capFor(this.options.caps, scope.tipoSolicitud);
    const sizing = await sizeFromIndex(this.dataSource, scope, range, this.options.caps);
    if (sizing.kind === 'sized') return this.apply(request, sizing.parts, cap);
    const now = this.options.clock();
    if (now.getTime() > this.deadline(request).getTime()) {
      return this.byDay(request, scope, range, cap);
    }
    if ((await unsizedGaps(this.dataSource, scope, range)).length === 0) {
      return this.wait(request, 'Dimensionando: se espera la metadata del periodo.');
    }
    // Nothing describes the period any more: its sizing metadata failed (or never existed).
    return this.sendWhole(request, 'Ninguna metadata dimensionó el periodo; se pide completo.');
  }

  /** One part: send as it is, now that its size is known. Several: the request becomes their parent. */
  private async apply(
    request: SatRequest,
    parts: readonly PlannedPart[],
    cap: number,
  ): Promise<SizingOutcome> {
    const documentos = parts.reduce((sum, part) => sum + part.documentos, 0);
    if (parts.length === 1) {
      await this.dataSource
        .getRepository(SatRequest)
        .update({ id: request.id }, { dimensionada: true, documentosEstimados: documentos, mensaje: null });
      return { kind: 'send' };
    }
    return this.divide(
      request,
      parts,
      documentos,
      `Dividida antes de enviarla en ${parts.length} partes de hasta ${cap} documentos (límite del SAT por solicitud).`,
    );
  }

  private deadline(request: SatRequest): Date {
    return new Date(request.createdAt.getTime() + this.options.maxWaitSeconds * 1000);
  }

  /**
   * The sizing metadata did not come in time: one request per Mexico City day, so an unknown size is
   * bounded by a day's documents, and SAT's 5003 splits a day that is still too big. Days the index
   * already describes (other metadata covered them) are planned from it, packed like any sized period.
   * A period of a day or less gains nothing from cutting and is sent as it is.
   */
  private async byDay(
    request: SatRequest,
    scope: SizingScope,
    range: TimeRange,
    cap: number,
  ): Promise<SizingOutcome> {
    const espera = asDuration(this.options.maxWaitSeconds);
    const days = splitByMexicoDay(range);
    if (days.length <= 1 || rangeLengthMs(range) <= DAY_MS) {
      return this.sendWhole(
        request,
        `La metadata que dimensiona el periodo no llegó en SIZING_MAX_WAIT (${espera}); se pide completo, y si excede el límite del SAT su respuesta 5003 lo divide.`,
      );
    }
    const density = indexDensity(this.dataSource, scope);
    const segments = segmentDays(days, await unindexedGaps(this.dataSource, scope, range));
    // The sizing metadata was indexed a moment ago: every day is known after all.
    if (segments.every((segment) => segment.indexed)) {
      return this.apply(request, await planSplit(range, cap, density, scope.tipoSolicitud), cap);
    }
    const parts: ChildPart[] = [];
    for (const segment of segments) {
      if (segment.indexed) {
        parts.push(...(await planSplit(segment.periodo, cap, density, scope.tipoSolicitud)));
      } else {
        parts.push({ periodo: segment.periodo, documentos: null });
      }
    }
    // Some day's size is unknown, so the whole period's is too.
    return this.divide(
      request,
      parts,
      null,
      `La metadata que dimensiona el periodo no llegó en SIZING_MAX_WAIT (${espera}); se pide por día en ${parts.length} partes, y si un día excede el límite del SAT su respuesta 5003 lo divide más.`,
    );
  }

  /** The request becomes the parent (Dividida) of one Pendiente request per part, sized already. */
  private async divide(
    request: SatRequest,
    parts: readonly ChildPart[],
    documentos: number | null,
    mensaje: string,
  ): Promise<SizingOutcome> {
    const now = this.options.clock();
    const children = await this.dataSource.transaction(async (manager) => {
      await manager.update(
        SatRequest,
        { id: request.id },
        {
          estado: 'Dividida',
          dimensionada: true,
          documentosEstimados: documentos,
          mensaje,
          finishedAt: now,
          nextCheckAt: null,
        },
      );
      const firstParte = await nextSatRequestParte(manager, request.solicitudId);
      const created: string[] = [];
      for (const [index, part] of parts.entries()) {
        const child = await manager.save(
          manager.create(SatRequest, {
            solicitudId: request.solicitudId,
            parentId: request.id,
            parte: firstParte + index,
            periodoInicio: part.periodo.start,
            periodoFin: part.periodo.end,
            estado: 'Pendiente',
            nextCheckAt: now,
            documentosEstimados: part.documentos,
            dimensionada: true,
          }),
        );
        created.push(child.id);
      }
      return created;
    });
    return { kind: 'split', children };
  }

  private async sendWhole(request: SatRequest, mensaje: string | null): Promise<SizingOutcome> {
    await this.dataSource
      .getRepository(SatRequest)
      .update({ id: request.id }, { dimensionada: true, mensaje });
    return { kind: 'send' };
  }

  /** Looks again later: soon at first, less often the longer the metadata takes (SAT can take hours). */
  private async wait(request: SatRequest, mensaje: string): Promise<SizingOutcome> {
    const now = this.options.clock();
    const elapsedSeconds = (now.getTime() - request.createdAt.getTime()) / 1000;
    const seconds = Math.min(
      this.options.recheckMaxSeconds,
      Math.max(this.options.recheckInitialSeconds, elapsedSeconds / 10),
    );
    // Never past SIZING_MAX_WAIT: the request is then asked for by day, on time.
    const until = new Date(
      Math.min(
        now.getTime() + seconds * (0.8 + Math.random() * 0.4) * 1000,
        this.deadline(request).getTime() + 1000,
      ),
    );
    await this.dataSource
      .getRepository(SatRequest)
      .update({ id: request.id }, { nextCheckAt: until, mensaje });
    return { kind: 'wait', until };
  }
}
