import express, { type Router } from 'express';
import { UUID_PATTERN } from '../sat/shared/catalogues';
import type { SimulatorState } from './state';
import { faultFits, isInjectedFault, operationsOf, type InjectedFault } from './faults';
import type { Operation } from './protocol';
import type { ForcedOutcome } from './requests';

const OPERATIONS: readonly Operation[] = ['autenticacion', 'solicitud', 'verificacion', 'descarga'];
const OUTCOMES: readonly ForcedOutcome[] = ['Error', 'Rechazada', 'Stuck'];

function estadoName(estado: number): string {
  return (
    ['Desconocido', 'Aceptada', 'EnProceso', 'Terminada', 'Error', 'Rechazada', 'Vencida'][estado] ??
    String(estado)
  );
}

/**
 * `/_simulator`: what tests and demos (in any language) can see and steer over HTTP. JSON in, JSON
 * out; bad input gets a 400 naming what is wrong. Never mounted when NODE_ENV is production.
 */
export function createTestApi(state: SimulatorState): Router {
  const router = express.Router();
  router.use(express.json({ limit: '64kb' }));

  router.get('/state', (_request, response) => {
    const now = state.clock();
    response.json({
      calls: state.calls,
      callsByRfc: Object.fromEntries(state.callsByRfc),
      tokensIssued: state.tokensIssued(),
      pendingFaults: state.faults.pending(),
      cancellations: state.registry
        .plantedCancellations()
        .map((item) => ({ uuid: item.uuid, at: item.at.toISOString() })),
      faultsInjected: Object.fromEntries(state.faultsInjected),
      downloads: Object.fromEntries(state.downloads),
      strict: state.strict,
      settings: {
        holdAccepted: state.settings.holdAccepted,
        countMetadataLifetime: state.settings.countMetadataLifetime,
        dailyRequestLimit: state.settings.dailyRequestLimit ?? null,
      },
      lifetimeCounts: state.registry.lifetimeCounts().map(({ criteria, count }) => ({
        rfc: criteria.rfc,
        servicio: criteria.servicio,
        tipo: criteria.tipo,
        tipoSolicitud: criteria.tipoSolicitud,
        fechaInicial: criteria.start?.toISOString() ?? null,
        // The criteria's end is exclusive; FechaFinal was the second before it.
        fechaFinal: criteria.end ? new Date(criteria.end.getTime() - 1000).toISOString() : null,
        folio: criteria.folio ?? null,
        count,
      })),
      requests: state.registry.all().map((request) => {
        const status = state.registry.status(request, now);
        return {
          idSolicitud: request.id,
          rfc: request.criteria.rfc,
          servicio: request.criteria.servicio,
          tipo: request.criteria.tipo,
          tipoSolicitud: request.criteria.tipoSolicitud,
          createdAt: request.createdAt.toISOString(),
          estado: estadoName(status.estado),
          ...('codigo' in status
            ? { codigoEstado: status.codigo, numeroCfdis: status.numeroCfdis, paquetes: status.paquetes }
            : {}),
        };
      }),
    });
  });

  /** Body: { fault, operation?, rfc?, times? } — see InjectedFault. */
  router.post('/faults', (request, response) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const operation = body.operation as Operation | undefined;
    const times = body.times === undefined ? 1 : Number(body.times);
    if (!isInjectedFault(body.fault)) {
      response.status(400).json({ error: 'fault must be one of the documented faults' });
      return;
    }
    if (operation !== undefined && !OPERATIONS.includes(operation)) {
      response.status(400).json({ error: `operation must be one of ${OPERATIONS.join(', ')}` });
      return;
    }
    if (!Number.isInteger(times) || times < 1 || times > 1000) {
      response.status(400).json({ error: 'times must be an integer from 1 to 1000' });
      return;
    }
    if (body.rfc !== undefined && typeof body.rfc !== 'string') {
      response.status(400).json({ error: 'rfc must be a string' });
      return;
    }
    if (operation !== undefined && !faultFits(body.fault, operation)) {
      const only = (operationsOf(body.fault) ?? []).join(', ');
      response.status(400).json({ error: `fault ${String(body.fault)} only happens on ${only}` });
      return;
    }
    state.faults.add(body.fault, operation, body.rfc as string | undefined, times);
    response.status(201).json({ pendingFaults: state.faults.pending() });
  });

  router.delete('/faults', (_request, response) => {
    state.faults.clear();
    response.status(204).end();
  });

  /** Body: { rate, faults? } — the share of calls failed at random, and the faults drawn. */
  router.put('/fault-rate', (request, response) => {
    const body = (request.body ?? {}) as { rate?: unknown; faults?: unknown };
    const rate = Number(body.rate);
    if (!Number.isFinite(rate) || rate < 0 || rate > 1) {
      response.status(400).json({ error: 'rate must be a number from 0 to 1' });
      return;
    }
    const faults = body.faults;
    if (faults !== undefined && (!Array.isArray(faults) || !faults.every(isInjectedFault))) {
      response.status(400).json({ error: 'faults must be a list of documented faults' });
      return;
    }
    state.faults.setRate(rate, faults as InjectedFault[] | undefined);
    response.status(204).end();
  });

  /** Body: { outcome: Error | Rechazada | Stuck, rfc? } — how the next accepted request ends. */
  router.post('/outcomes', (request, response) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (!OUTCOMES.includes(body.outcome as ForcedOutcome)) {
      response.status(400).json({ error: `outcome must be one of ${OUTCOMES.join(', ')}` });
      return;
    }
    state.registry.force(body.outcome as ForcedOutcome, typeof body.rfc === 'string' ? body.rfc : undefined);
    response.status(201).end();
  });

  /** Body: { serial } — the certificate number (20 digits) or hex serial is revoked from now on. */
  router.post('/revocations', (request, response) => {
    const serial = (request.body as { serial?: unknown } | undefined)?.serial;
    if (typeof serial !== 'string' || !/^[0-9A-Fa-f]{1,64}$/.test(serial)) {
      response.status(400).json({ error: 'serial must be a certificate number or hex serial' });
      return;
    }
    state.trust.revoke(serial);
    response.status(201).end();
  });

  /**
   * Body: { uuid, at? } — the document is cancelled from `at` (ISO 8601; now by default): requests
   * accepted from then on see it cancelled (metadata Estatus 0, no XML where only valid ones go).
   */
  router.post('/cancellations', (request, response) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (typeof body.uuid !== 'string' || !UUID_PATTERN.test(body.uuid)) {
      response.status(400).json({ error: 'uuid must be a UUID' });
      return;
    }
    const at = body.at === undefined ? state.clock() : new Date(typeof body.at === 'string' ? body.at : NaN);
    if (Number.isNaN(at.getTime())) {
      response.status(400).json({ error: 'at must be an ISO 8601 date-time' });
      return;
    }
    state.registry.cancel(body.uuid, at);
    response.status(201).json({ uuid: body.uuid.toUpperCase(), at: at.toISOString() });
  });

  /**
   * Body: { Metadata?, CFDI? } — seconds requests of each TipoSolicitud stay Aceptada before
   * progressing (a missing one is 0). Applies to requests not yet finished too.
   */
  router.post('/hold-accepted', (request, response) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const hold: { Metadata?: number; CFDI?: number } = {};
    for (const tipo of ['Metadata', 'CFDI'] as const) {
      const value = body[tipo];
      if (value === undefined) continue;
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        response.status(400).json({ error: `${tipo} must be a number of seconds >= 0` });
        return;
      }
      hold[tipo] = value;
    }
    state.setHoldAccepted(hold);
    response.status(204).end();
  });

  /** Body: { on: boolean } — whether identical Metadata requests count toward the lifetime limit. */
  router.post('/count-metadata-lifetime', (request, response) => {
    const on = (request.body as { on?: unknown } | undefined)?.on;
    if (typeof on !== 'boolean') {
      response.status(400).json({ error: 'on must be true or false' });
      return;
    }
    state.setCountMetadataLifetime(on);
    response.status(204).end();
  });

  /** Body: { limit: integer | null } — SolicitaDescarga requests accepted per RFC and Mexico City day. */
  router.post('/daily-request-limit', (request, response) => {
    const limit = (request.body as { limit?: unknown } | undefined)?.limit;
    if (limit !== null && !(typeof limit === 'number' && Number.isInteger(limit) && limit >= 0)) {
      response.status(400).json({ error: 'limit must be an integer >= 0, or null for no limit' });
      return;
    }
    state.setDailyRequestLimit(limit ?? undefined);
    response.status(204).end();
  });

  router.post('/reset', (_request, response) => {
    state.reset();
    response.status(204).end();
  });

  return router;
}
