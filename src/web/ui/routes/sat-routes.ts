import { Router, type NextFunction, type Request, type Response } from 'express';
import { AuthorizationError, generalErrors } from '../../../errors';
import type { SatHealth } from '../../../services/sat-health';
import type { SatTrail } from '../../../services/sat-trail';
import type { SolicitudQueryService } from '../../../services/solicitudes';
import { errorPage } from '../pages/error-page';
import { satHealthPage } from '../pages/sat-health-page';
import { satTrailPage } from '../pages/sat-trail-page';
import { field, pageContext, principalOf, safeNext, sendPage } from '../web-kit';

export interface SatRouteServices {
  readonly satHealth: SatHealth;
  readonly satTrail: SatTrail;
  readonly queries: SolicitudQueryService;
}

function adminOnly(request: Request, response: Response, next: NextFunction): void {
  if (principalOf(response).role === 'admin') return next();
  const context = pageContext(request, response);
  const error = new AuthorizationError(generalErrors.forbidden);
  sendPage(response, errorPage(context, context.t('error.forbidden'), error.code), 403);
}

/**
 * SAT's health for everyone (is SAT down, or is it my request?) and, for administrators, the raw SAT
 * trail of a solicitud and the tenant's switch for it.
 */
export function createSatRoutes(services: SatRouteServices): Router {
  const router = Router();

  router.get('/estado-sat', async (request, response) => {
    sendPage(response, satHealthPage(pageContext(request, response), await services.satHealth.snapshot()));
  });

  router.get('/solicitudes/:id/rastro-sat', adminOnly, async (request, response) => {
    const { tenantId } = principalOf(response);
    // Another tenant's solicitud answers as a missing one (the query service checks the tenant).
    const detail = await services.queries.get(tenantId, String(request.params.id));
    const context = pageContext(request, response);
    const switched = field(request.query.rastro);
    sendPage(
      response,
      satTrailPage(context, {
        solicitudId: detail.solicitud.id,
        enabled: await services.satTrail.isEnabled(tenantId),
        retentionDays: services.satTrail.retentionDays,
        entries: await services.satTrail.list(tenantId, detail.solicitud.id),
        ...(switched === 'on' || switched === 'off'
          ? { notice: context.t(switched === 'on' ? 'rastro.switched.on' : 'rastro.switched.off') }
          : {}),
      }),
    );
  });

  router.post('/rastro-sat', adminOnly, async (request, response) => {
    const { tenantId } = principalOf(response);
    const body = request.body as Record<string, unknown>;
    const enabled = body.activo === 'true';
    await services.satTrail.setEnabled(tenantId, enabled);
    const back = safeNext(body.volver);
    response.redirect(303, `${back}${back.includes('?') ? '&' : '?'}rastro=${enabled ? 'on' : 'off'}`);
  });

  return router;
}
