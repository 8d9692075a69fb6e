import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import {
  Contribuyente,
  Registro,
  SatRequest,
  Solicitud,
  SolicitudEstado,
  claimLedgerPeriods,
  findLedgerCoverage,
  findLedgerGaps,
  lockLedgerKey,
  type CanalRegistro,
  type InstantRange,
  type LedgerKey,
} from '../../db';
import { ConflictError, solicitudesErrors } from '../../errors';
import type { JobQueue } from '../ports/job-queue';
import { mergeRanges, splitAt, timeRange, type TimeRange } from '../periods/time-range';
import type { Contexto, TipoSolicitud } from './domain';
import { fanOut, filtersFor, type Combinacion } from './fan-out';
import { canonicalFilters, filtersKey } from './ledger-key';
import {
  parseRegistrationRequest,
  type RegistrationInput,
  type RegistrationRequest,
} from './registration-request';

/** Job that sends one SAT request (a solicitud, or one part of a split one). */
export const SOLICITAR_JOB = 'solicitar';

export type EstadoRegistro = 'Registrada' | 'Duplicada' | 'Rechazada';

/** One record per resulting solicitud, as RegistrarSolicitud answers it. */
export interface RegistrationResult {
  readonly idSolicitud: string | null;
  readonly contexto: Contexto;
  readonly tipoSolicitud: TipoSolicitud;
  readonly estado: EstadoRegistro;
  readonly codigo: string | null;
  readonly mensaje: string | null;
  /** Solicitudes that already cover (part of) the period: all of it when Duplicada. */
  readonly idsSolicitudExistentes: readonly string[];
  /** The sub-periods that will actually be asked of SAT (ISO instants, half-open). */
  readonly periodosSolicitados: readonly { readonly inicio: string; readonly fin: string }[];
}

export interface RegistrationCaller {
  readonly tenantId: string;
  readonly canal: CanalRegistro;
  readonly apiUserId?: string;
  readonly webUserId?: string;
}

export interface RegistrationServiceOptions {
  /** Periods ending less than this long ago are always requested again: SAT may still change them. */
  readonly settlementWindowHours: number;
  readonly clock?: () => Date;
}

function toInstantRange(range: TimeRange): InstantRange {
  return { start: range.start, end: range.end };
}

function fromInstantRange(range: InstantRange): TimeRange {
  if (!range.start || !range.end) throw new RangeError('unbounded ledger range');
  return timeRange(range.start, range.end);
}

function parametersHash(request: RegistrationRequest): string {
  const normalised = {
    rfc: request.rfc,
    periodo: request.periodo
      ? [request.periodo.start.toISOString(), request.periodo.end.toISOString()]
      : null,
    contexto: request.contexto,
    tipoSolicitud: request.tipoSolicitud,
    tipoDocumento: request.tipoDocumento,
    filtros: canonicalFilters(request.filtros),
    forzar: request.forzar,
  };
  return createHash('sha256').update(JSON.stringify(normalised)).digest('hex');
}

/**
 * Turns what a client asks for into solicitudes: fans out `Ambos`, consults the ledger so a period
 * already requested is never asked of SAT again (only the gaps are), and schedules the SAT requests.
 * Everything happens in one transaction; jobs are enqueued after it commits (a lost enqueue is
 * recovered by the sweeper, which looks for pending SAT requests).
 */
export class RegistrationService {
  private readonly clock: () => Date;

  constructor(
    private readonly dataSource: DataSource,
    private readonly jobs: JobQueue,
    private readonly options: RegistrationServiceOptions,
  ) {
    this.clock = options.clock ?? (() => new Date());
  }

  async register(caller: RegistrationCaller, input: RegistrationInput): Promise<RegistrationResult[]> {
    const now = this.clock();
    const request = parseRegistrationRequest(input, now);
    const hash = parametersHash(request);
    const pending: string[] = [];
    const results = await this.dataSource.transaction(async (manager) => {
      if (request.referenciaCliente !== undefined) {
        // Serialise registrations of one reference so a retry racing the original sees its result.
        await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
          `registro|${caller.tenantId}|${request.referenciaCliente}`,
        ]);
        const previous = await manager.findOneBy(Registro, {
          tenantId: caller.tenantId,
          referenciaCliente: request.referenciaCliente,
        });
        if (previous) {
          if (previous.parametrosHash !== hash) {
            throw new ConflictError(solicitudesErrors.referenceReused, {
              params: { referencia: request.referenciaCliente },
            });
          }
          return previous.resultados as RegistrationResult[];
        }
      }
      const registro = await manager.save(
        manager.create(Registro, {
          tenantId: caller.tenantId,
          referenciaCliente: request.referenciaCliente ?? null,
          parametrosHash: hash,
          canal: caller.canal,
          apiUserId: caller.apiUserId ?? null,
          webUserId: caller.webUserId ?? null,
          resultados: [],
        }),
      );
      const combinaciones =
        request.filtros.uuid !== undefined
          ? [{ contexto: 'Emitidos', tipoSolicitud: 'CFDI' } as const]
          : fanOut(request.contexto, request.tipoSolicitud);
      const contribuyente = await manager.findOneBy(Contribuyente, {
        tenantId: caller.tenantId,
        rfc: request.rfc,
      });
      const created: RegistrationResult[] = [];
      for (const combinacion of combinaciones) {
        created.push(
          await this.registerOne(
            manager,
            caller,
            request,
            combinacion,
            contribuyente,
            registro.id,
            now,
            pending,
          ),
        );
      }
      registro.resultados = created;
      await manager.save(registro);
      return created;
    });
    for (const satRequestId of pending) await this.jobs.enqueue(SOLICITAR_JOB, satRequestId);
    return results;
  }

  private async registerOne(
    manager: EntityManager,
    caller: RegistrationCaller,
    request: RegistrationRequest,
    combinacion: Combinacion,
    contribuyente: Contribuyente | null,
    registroId: string,
    now: Date,
    pending: string[],
  ): Promise<RegistrationResult> {
    const base = { contexto: combinacion.contexto, tipoSolicitud: combinacion.tipoSolicitud };
    if (!contribuyente?.fielCertificate || !contribuyente.fielValidTo || contribuyente.fielValidTo <= now) {
      return {
        ...base,
        idSolicitud: null,
        estado: 'Rechazada',
        codigo: solicitudesErrors.contribuyenteWithoutFiel.code,
        mensaje: solicitudesErrors.contribuyenteWithoutFiel.es.replace('{rfc}', request.rfc),
        idsSolicitudExistentes: [],
        periodosSolicitados: [],
      };
    }
    const filtros = filtersFor(combinacion, request.filtros);
    const key: LedgerKey = {
      tenantId: caller.tenantId,
      rfc: request.rfc,
      contexto: combinacion.contexto,
      tipoSolicitud: combinacion.tipoSolicitud,
      tipoDocumento: request.tipoDocumento,
      filtrosKey: filtersKey(filtros),
    };
    const plan = request.periodo
      ? await this.plan(manager, key, request.periodo, request.forzar, now)
      : undefined;
    if (plan && plan.toRequest.length === 0) {
      return {
        ...base,
        idSolicitud: null,
        estado: 'Duplicada',
        codigo: null,
        mensaje: 'El periodo ya fue solicitado; consulte las solicitudes existentes.',
        idsSolicitudExistentes: plan.existing,
        periodosSolicitados: [],
      };
    }
    const solicitud = await manager.save(
      manager.create(Solicitud, {
        tenantId: caller.tenantId,
        contribuyenteId: contribuyente.id,
        registroId,
        rfc: request.rfc,
        contexto: combinacion.contexto,
        tipoSolicitud: combinacion.tipoSolicitud,
        tipoDocumento: request.tipoDocumento,
        fechaInicial: request.periodo?.start ?? null,
        fechaFinal: request.periodo?.end ?? null,
        filtros: canonicalFilters(filtros),
        filtrosKey: key.filtrosKey,
        referenciaCliente: request.referenciaCliente ?? null,
        forzar: request.forzar,
        estado: 'Registrada',
      }),
    );
    await manager.save(manager.create(SolicitudEstado, { solicitudId: solicitud.id, estado: 'Registrada' }));
    const parts: (TimeRange | undefined)[] = plan ? plan.toRequest : [undefined];
    for (const [index, part] of parts.entries()) {
      const satRequest = await manager.save(
        manager.create(SatRequest, {
          solicitudId: solicitud.id,
          parte: index + 1,
          periodoInicio: part?.start ?? null,
          periodoFin: part?.end ?? null,
          estado: 'Pendiente',
          nextCheckAt: now,
        }),
      );
      pending.push(satRequest.id);
    }
    if (plan) await claimLedgerPeriods(manager, key, plan.toClaim.map(toInstantRange), solicitud.id);
    return {
      ...base,
      idSolicitud: solicitud.id,
      estado: 'Registrada',
      codigo: null,
      mensaje: null,
      idsSolicitudExistentes: plan?.existing ?? [],
      periodosSolicitados: (plan?.toRequest ?? []).map((range) => ({
        inicio: range.start.toISOString(),
        fin: range.end.toISOString(),
      })),
    };
  }

  /**
   * What to ask SAT for: the settled part of the period minus what the ledger already covers, plus the
   * unsettled tail (always); `forzar` asks for everything. Only settled gaps are claimed in the ledger.
   */
  private async plan(
    manager: EntityManager,
    key: LedgerKey,
    periodo: TimeRange,
    forzar: boolean,
    now: Date,
  ): Promise<{ toRequest: TimeRange[]; toClaim: TimeRange[]; existing: string[] }> {
    await lockLedgerKey(manager, key);
    const settledUntil = new Date(now.getTime() - this.options.settlementWindowHours * 3_600_000);
    const [settled, unsettled] =
      periodo.end.getTime() <= settledUntil.getTime()
        ? [periodo, undefined]
        : periodo.start.getTime() >= settledUntil.getTime()
          ? [undefined, periodo]
          : (splitAt(periodo, settledUntil) as [TimeRange, TimeRange]);
    let gaps: TimeRange[] = [];
    let existing: string[] = [];
    if (settled) {
      const coverage = await findLedgerCoverage(manager, key, toInstantRange(settled));
      existing = [...new Set(coverage.map((item) => item.solicitudId))];
      gaps = (await findLedgerGaps(manager, key, toInstantRange(settled))).map(fromInstantRange);
    }
    const toRequest = forzar ? [periodo] : [...gaps, ...(unsettled ? [unsettled] : [])];
    // A gap ending where the unsettled tail begins is one SAT request, not two.
    return { toRequest: mergeRanges(toRequest), toClaim: gaps, existing };
  }
}
