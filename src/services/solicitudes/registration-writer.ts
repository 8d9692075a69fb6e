import type { EntityManager } from 'typeorm';
import { SatRequest, Solicitud, SolicitudEstado, claimLedgerPeriods } from '../../db';
import { timeRange } from '../periods/time-range';
import { unsizedGaps, type SizingScope } from '../planning';
import { canonicalFilters } from './ledger-key';
import { assessCombination, type Assessment, type AssessmentContext } from './registration-assessment';
import { periodos } from './registration-plan';
import type { RegistrationResult } from './registration-service';

export interface WriteContext extends Omit<AssessmentContext, 'combinacion' | 'lock'> {
  readonly assessment: Extract<Assessment, { kind: 'register' }>;
  readonly registroId: string;
  /** SAT requests to schedule once the transaction commits. */
  readonly pending: string[];
}

/**
 * Persists an assessed combination: the solicitud, its SAT requests and its ledger claims; and, for
 * XML periods that no metadata describes or will describe, the metadata solicitud that sizes them.
 */
export async function writeCombination(
  manager: EntityManager,
  context: WriteContext,
): Promise<RegistrationResult> {
  const solicitud = await writeSolicitud(manager, context);
  const sizing = await writeSizing(manager, context, solicitud);
  const { assessment } = context;
  return {
    ...assessment.base,
    idSolicitud: solicitud.id,
    estado: 'Registrada',
    codigo: null,
    mensaje: sizing
      ? `El periodo se mide primero con la solicitud de metadata ${sizing}; después se divide para no rebasar el límite del SAT por solicitud.`
      : null,
    idsSolicitudExistentes: assessment.ledger?.existing ?? [],
    periodosSolicitados: periodos(assessment.requests),
    ...assessment.cost,
  };
}

async function writeSolicitud(manager: EntityManager, context: WriteContext): Promise<Solicitud> {
  const { caller, request, assessment, now } = context;
  const { base, key, filtros, ledger, requests } = assessment;
  const solicitud = await manager.save(
    manager.create(Solicitud, {
      tenantId: caller.tenantId,
      contribuyenteId: assessment.contribuyente.id,
      registroId: context.registroId,
      rfc: request.rfc,
      contexto: base.contexto,
      tipoSolicitud: base.tipoSolicitud,
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
  for (const [index, part] of requests.entries()) {
    const satRequest = await manager.save(
      manager.create(SatRequest, {
        solicitudId: solicitud.id,
        parte: index + 1,
        periodoInicio: part.periodo?.start ?? null,
        periodoFin: part.periodo?.end ?? null,
        estado: 'Pendiente',
        nextCheckAt: now,
        documentosEstimados: part.documentos,
        dimensionada: part.dimensionada,
      }),
    );
    context.pending.push(satRequest.id);
  }
  if (ledger) {
    const claims = ledger.toClaim.map((range) => ({ start: range.start, end: range.end }));
    await claimLedgerPeriods(manager, key, claims, solicitud.id);
  }
  return solicitud;
}

/**
 * The metadata that sizes an XML solicitud's unsized periods, when nothing indexed or on its way
 * (e.g. the metadata combination of this same registration) describes them: an ordinary metadata
 * solicitud of the same registration, with the XML's filters, asking SAT only for what the ledger
 * does not already cover. Its ReferenciaCliente names the solicitud it sizes. Returns its id.
 */
async function writeSizing(
  manager: EntityManager,
  context: WriteContext,
  sized: Solicitud,
): Promise<string | undefined> {
  const { assessment, request } = context;
  const unsized = assessment.requests.flatMap((part) =>
    !part.dimensionada && part.periodo ? [part.periodo] : [],
  );
  const [first] = unsized;
  if (!first) return undefined;
  const span = timeRange(first.start, (unsized.at(-1) ?? first).end);
  const scope: SizingScope = {
    tenantId: context.caller.tenantId,
    rfc: request.rfc,
    contexto: assessment.base.contexto,
    tipoSolicitud: assessment.base.tipoSolicitud,
    tipoDocumento: request.tipoDocumento,
    filtros: assessment.filtros,
  };
  if ((await unsizedGaps(manager, scope, span)).length === 0) return undefined;
  const combinacion = { contexto: assessment.base.contexto, tipoSolicitud: 'Metadata' } as const;
  const sizingRequest = {
    ...request,
    periodo: span,
    tipoSolicitud: 'Metadata',
    filtros: assessment.filtros,
    forzar: false,
    referenciaCliente: `dimensionar:${sized.id}`,
  } as const;
  const metadata = await assessCombination(manager, {
    ...context,
    request: sizingRequest,
    combinacion,
    combinaciones: [combinacion],
    lock: true,
  });
  if (metadata.kind !== 'register') return undefined;
  const sizing = await writeSolicitud(manager, { ...context, request: sizingRequest, assessment: metadata });
  // Listed right below the solicitud it sizes: clients list newest first and expect their own
  // registration on top (both were created in this transaction, at the same now()).
  await manager.query(
    `UPDATE solicitudes SET created_at = created_at - interval '1 millisecond' WHERE id = $1`,
    [sizing.id],
  );
  return sizing.id;
}
