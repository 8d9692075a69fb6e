import type { DataSource } from 'typeorm';
import { SatRequest, type Solicitud } from '../../db';
import { timeRange } from '../periods/time-range';
import {
  capFor,
  sizeFromIndex,
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
  /** Past this long after registration, a period still unsized is sent whole. */
  readonly horizonHours: number;
  readonly clock: () => Date;
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
 * is split so each part fits. When that metadata fails, or takes past the horizon, the period is sent
 * whole and SAT's 5003, if it comes, still splits it.
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
    if (now.getTime() - request.createdAt.getTime() > this.options.horizonHours * 3_600_000) {
      return this.sendWhole(request, 'No se pudo dimensionar el periodo a tiempo; se pide completo.');
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
    const now = this.options.clock();
    const children = await this.dataSource.transaction(async (manager) => {
      await manager.update(
        SatRequest,
        { id: request.id },
        {
          estado: 'Dividida',
          dimensionada: true,
          documentosEstimados: documentos,
          mensaje: `Dividida antes de enviarla en ${parts.length} partes de hasta ${cap} documentos (límite del SAT por solicitud).`,
          finishedAt: now,
          nextCheckAt: null,
        },
      );
      const [{ maxParte }] = await manager.query<{ maxParte: number }[]>(
        `SELECT max(parte)::int AS "maxParte" FROM sat_requests WHERE solicitud_id = $1`,
        [request.solicitudId],
      );
      const created: string[] = [];
      for (const [index, part] of parts.entries()) {
        const child = await manager.save(
          manager.create(SatRequest, {
            solicitudId: request.solicitudId,
            parentId: request.id,
            parte: maxParte + index + 1,
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
    const until = new Date(now.getTime() + seconds * (0.8 + Math.random() * 0.4) * 1000);
    await this.dataSource
      .getRepository(SatRequest)
      .update({ id: request.id }, { nextCheckAt: until, mensaje });
    return { kind: 'wait', until };
  }
}
