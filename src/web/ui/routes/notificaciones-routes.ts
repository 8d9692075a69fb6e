import { Router, type Request, type Response } from 'express';
import { AppError } from '../../../errors';
import type { WebhookService } from '../../../services/notifications';
import { notificacionesPage, type NotificacionesView } from '../pages/notificaciones-page';
import { field, messageOf, pageContext, principalOf, sendPage } from '../web-kit';
import { requireAdmin } from './admin-routes';

export interface NotificacionesRouteServices {
  readonly webhooks: WebhookService;
}

const RECENT_DELIVERIES = 50;

const NOTICES = {
  eliminado: 'webhooks.removed',
  activado: 'webhooks.enabled',
  desactivado: 'webhooks.disabled',
} as const;

function checkedEvents(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return typeof value === 'string' ? [value] : [];
}

/** `/notificaciones`: the tenant's webhooks and their recent deliveries, for administrators. */
export function createNotificacionesRoutes(services: NotificacionesRouteServices): Router {
  const router = Router();
  router.use('/notificaciones', requireAdmin);

  async function show(
    request: Request,
    response: Response,
    extra: Partial<NotificacionesView> = {},
    status = 200,
  ): Promise<void> {
    const { tenantId } = principalOf(response);
    const [webhooks, deliveries] = await Promise.all([
      services.webhooks.list(tenantId),
      services.webhooks.recentDeliveries(tenantId, { limit: RECENT_DELIVERIES }),
    ]);
    const attempts = await services.webhooks.attemptsOf(
      tenantId,
      deliveries.map((delivery) => delivery.id),
    );
    sendPage(
      response,
      notificacionesPage(pageContext(request, response), { webhooks, deliveries, attempts, ...extra }),
      status,
    );
  }

  router.get('/notificaciones', async (request, response) => {
    const context = pageContext(request, response);
    const done = field(request.query.hecho);
    const notice = done && Object.hasOwn(NOTICES, done) ? NOTICES[done as keyof typeof NOTICES] : undefined;
    await show(request, response, notice ? { notice: context.t(notice) } : {});
  });

  router.post('/notificaciones', async (request, response) => {
    const { tenantId } = principalOf(response);
    const context = pageContext(request, response);
    const body = request.body as Record<string, unknown>;
    const url = field(body.url) ?? '';
    const eventos = checkedEvents(body.eventos);
    try {
      const registered = await services.webhooks.register(tenantId, { url, eventos });
      // The secret is in this answer only: never cached, never in a redirect.
      await show(request, response, { created: { url: registered.webhook.url, secret: registered.secret } });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      await show(
        request,
        response,
        { error: { code: error.code, message: messageOf(error, context.lang) }, values: { url, eventos } },
        error.kind === 'conflict' ? 409 : 400,
      );
    }
  });

  router.post('/notificaciones/:id/eliminar', async (request, response) => {
    await services.webhooks.remove(principalOf(response).tenantId, String(request.params.id));
    response.redirect(303, '/notificaciones?hecho=eliminado');
  });

  for (const [action, activo, done] of [
    ['activar', true, 'activado'],
    ['desactivar', false, 'desactivado'],
  ] as const) {
    router.post(`/notificaciones/:id/${action}`, async (request, response) => {
      await services.webhooks.setActive(principalOf(response).tenantId, String(request.params.id), activo);
      response.redirect(303, `/notificaciones?hecho=${done}`);
    });
  }

  return router;
}
