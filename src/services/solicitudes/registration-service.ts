import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { Contribuyente, Registro, type CanalRegistro } from '../../db';
import { ConflictError, solicitudesErrors } from '../../errors';
import type { JobQueue } from '../ports/job-queue';
import { SAT_CAPS, type SatCaps } from '../planning';
import type { Contexto, TipoSolicitud } from './domain';
import { fanOut, type Combinacion } from './fan-out';
import { canonicalFilters } from './ledger-key';
import { assessCombination, type Assessment, type AssessmentContext } from './registration-assessment';
import { periodos } from './registration-plan';
import { writeCombination } from './registration-writer';
import {
  parseRegistrationRequest,
  type RegistrationInput,
  type RegistrationRequest,
} from './registration-request';

type SharedAssessment = Omit<AssessmentContext, 'combinacion' | 'lock'>;
type RegisterAssessment = Extract<Assessment, { kind: 'register' }>;

/** Job that sends one SAT request (a solicitud, or one part of a split one). */
export const SOLICITAR_JOB = 'solicitar';

/** `Simulada`: a dry run (`simular`) that would have registered; nothing was. */
export type EstadoRegistro = 'Registrada' | 'Duplicada' | 'Rechazada' | 'Simulada';

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
  /**
   * The sub-periods that will actually be asked of SAT (ISO instants, half-open): the planned parts,
   * or a whole period that a metadata request must still size (see `dimensionado`).
   */
  readonly periodosSolicitados: readonly { readonly inicio: string; readonly fin: string }[];
  /** SAT requests this costs as far as known now (parts plus metadata sizing requests). */
  readonly solicitudesSat?: number;
  /** Documents expected, when every part was sized from the metadata index. */
  readonly documentosEstimados?: number | null;
  /** False while some period still has to be sized (its parts, and so the count, may grow). */
  readonly dimensionado?: boolean;
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
  /** SAT's caps per request; periods are planned so every part fits (SAT's own by default). */
  readonly caps?: SatCaps;
  readonly clock?: () => Date;
}

function parametersHash(request: RegistrationRequest): string {
  // What was asked, not what it was cut to: a same-day retry of "today so far" replays the first answer.
  const periodo = request.periodoPedido ?? request.periodo;
  const normalised = {
    rfc: request.rfc,
    periodo: periodo ? [periodo.start.toISOString(), periodo.end.toISOString()] : null,
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
    if (request.simular) return this.simulate(caller, request, now);
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
      const created = await this.assessEach(manager, caller, request, now, true, (assessment, shared) =>
        writeCombination(manager, { ...shared, assessment, registroId: registro.id, pending }),
      );
      registro.resultados = created;
      await manager.save(registro);
      return created;
    });
    for (const satRequestId of pending) await this.jobs.enqueue(SOLICITAR_JOB, satRequestId);
    return results;
  }

  /**
   * The dry run: the same assessment as a registration, answered as `Simulada`, with nothing written
   * (no registro, solicitud, ledger claim or job) and nothing sent to SAT. A ReferenciaCliente is
   * neither looked up nor recorded. Sizing uses only the metadata already indexed: a period it does
   * not describe is reported as still to be sized (`dimensionado` false), never asked of SAT.
   */
  private async simulate(
    caller: RegistrationCaller,
    request: RegistrationRequest,
    now: Date,
  ): Promise<RegistrationResult[]> {
    return this.dataSource.transaction((manager) =>
      this.assessEach(manager, caller, request, now, false, (assessment) => ({
        ...assessment.base,
        idSolicitud: null,
        estado: 'Simulada',
        codigo: null,
        mensaje: null,
        idsSolicitudExistentes: assessment.ledger?.existing ?? [],
        periodosSolicitados: periodos(assessment.requests),
        ...assessment.cost,
      })),
    );
  }

  /**
   * Assesses each combination in turn (`lock`: serialise with other registrations of the same ledger
   * key); `resolve` turns each one the assessment did not answer itself into its result.
   */
  private async assessEach(
    manager: EntityManager,
    caller: RegistrationCaller,
    request: RegistrationRequest,
    now: Date,
    lock: boolean,
    resolve: (
      assessment: RegisterAssessment,
      shared: SharedAssessment,
    ) => Promise<RegistrationResult> | RegistrationResult,
  ): Promise<RegistrationResult[]> {
    const combinaciones = combinationsOf(request);
    const contribuyente = await manager.findOneBy(Contribuyente, {
      tenantId: caller.tenantId,
      rfc: request.rfc,
    });
    const shared: SharedAssessment = {
      caller,
      request,
      combinaciones,
      contribuyente,
      now,
      settlementWindowHours: this.options.settlementWindowHours,
      caps: this.options.caps ?? SAT_CAPS,
    };
    const results: RegistrationResult[] = [];
    for (const combinacion of combinaciones) {
      const assessment = await assessCombination(manager, { ...shared, combinacion, lock });
      results.push(assessment.kind === 'answered' ? assessment.result : await resolve(assessment, shared));
    }
    return results;
  }
}

/** SAT takes one contexto and one tipo per request: `Ambos` fans out; a Uuid is always issued XML. */
function combinationsOf(request: RegistrationRequest): readonly Combinacion[] {
  return request.filtros.uuid !== undefined
    ? [{ contexto: 'Emitidos', tipoSolicitud: 'CFDI' }]
    : fanOut(request.contexto, request.tipoSolicitud);
}
