import { Router, type NextFunction, type Request, type Response } from 'express';
import { AppError, AuthorizationError, ValidationError, generalErrors } from '../../../errors';
import type { ApiUserService, FielEnrollment, FielRoster } from '../../../services/accounts';
import type { FielVault } from '../../../services/secrets';
import { fecha } from '../format';
import { apiUsersPage, type ApiUsersView } from '../pages/api-users-page';
import { errorPage } from '../pages/error-page';
import { fielPage, type FielView } from '../pages/fiel-page';
import { field, messageOf, pageContext, principalOf, sendPage, webLocals } from '../web-kit';

export interface AdminRouteServices {
  readonly fielRoster: FielRoster;
  readonly fielEnrollment: FielEnrollment;
  readonly fielVault: FielVault;
  readonly apiUsers: ApiUserService;
}

/** Administrators only; anyone else gets a 403 page. */
export function requireAdmin(request: Request, response: Response, next: NextFunction): void {
  if (principalOf(response).role === 'admin') return next();
  const context = pageContext(request, response);
  const error = new AuthorizationError(generalErrors.forbidden);
  sendPage(response, errorPage(context, context.t('error.forbidden'), error.code), 403);
}

/** The administrator's pages: e.firma (upload, list with expiry, remove) and API users. */
export function createAdminRoutes(services: AdminRouteServices): Router {
  const router = Router();
  router.use(['/fiel', '/usuarios-api'], requireAdmin);

  async function showFiels(
    request: Request,
    response: Response,
    extra: Partial<FielView> = {},
    status = 200,
  ) {
    const fiels = await services.fielRoster.list(principalOf(response).tenantId);
    sendPage(response, fielPage(pageContext(request, response), { fiels, ...extra }), status);
  }

  router.get('/fiel', async (request, response) => {
    const removed = field(request.query.eliminada);
    const context = pageContext(request, response);
    await showFiels(
      request,
      response,
      removed ? { notice: context.t('fiel.removed', { rfc: removed }) } : {},
    );
  });

  router.post('/fiel', async (request, response) => {
    const { tenantId } = principalOf(response);
    const context = pageContext(request, response);
    // Read (size-capped, files included) and CSRF-checked by the router before this route runs.
    const upload = webLocals(response).upload ?? { files: new Map<string, Buffer>(), truncated: new Set() };
    const password = (request.body as Record<string, unknown>).password;
    try {
      for (const name of ['cer', 'key']) {
        if (upload.truncated.has(name)) {
          throw new ValidationError(generalErrors.fieldInvalid, {
            params: { field: name, reason: context.t('fiel.tooLarge', { archivo: name }) },
          });
        }
        if (!upload.files.get(name)?.length) {
          throw new ValidationError(generalErrors.fieldRequired, { params: { field: name } });
        }
      }
      const enrolled = await services.fielEnrollment.enroll(tenantId, {
        certificate: upload.files.get('cer') as Buffer,
        privateKey: upload.files.get('key') as Buffer,
        password: typeof password === 'string' ? password : '',
      });
      await showFiels(request, response, {
        notice: context.t('fiel.saved', {
          rfc: enrolled.rfc,
          nombre: enrolled.nombre,
          fecha: fecha(enrolled.validTo, context.lang),
        }),
      });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      await showFiels(
        request,
        response,
        { error: { code: error.code, message: messageOf(error, context.lang) } },
        400,
      );
    }
  });

  router.post('/fiel/:rfc/eliminar', async (request, response) => {
    const rfc = String(request.params.rfc).toUpperCase();
    await services.fielVault.remove(principalOf(response).tenantId, rfc);
    response.redirect(303, `/fiel?eliminada=${encodeURIComponent(rfc)}`);
  });

  async function showApiUsers(
    request: Request,
    response: Response,
    extra: Partial<ApiUsersView> = {},
    status = 200,
  ) {
    const users = await services.apiUsers.list(principalOf(response).tenantId);
    response.setHeader('Cache-Control', 'no-store');
    sendPage(response, apiUsersPage(pageContext(request, response), { users, ...extra }), status);
  }

  router.get('/usuarios-api', async (request, response) => {
    const revoked = field(request.query.revocado);
    const context = pageContext(request, response);
    await showApiUsers(
      request,
      response,
      revoked ? { notice: context.t('apiUsers.revokedDone', { username: revoked }) } : {},
    );
  });

  router.post('/usuarios-api', async (request, response) => {
    const { tenantId } = principalOf(response);
    const context = pageContext(request, response);
    const body = request.body as Record<string, unknown>;
    const username = field(body.username) ?? '';
    const descripcion = field(body.descripcion);
    try {
      const created = await services.apiUsers.create(tenantId, username, descripcion ? { descripcion } : {});
      await showApiUsers(request, response, {
        created: { username: created.user.username, secret: created.secret, requestor: created.requestor },
      });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      await showApiUsers(
        request,
        response,
        {
          error: { code: error.code, message: messageOf(error, context.lang) },
          values: { username, descripcion: descripcion ?? '' },
        },
        error.kind === 'conflict' ? 409 : 400,
      );
    }
  });

  router.post('/usuarios-api/:username/revocar', async (request, response) => {
    const username = String(request.params.username);
    await services.apiUsers.revoke(username, principalOf(response).tenantId);
    response.redirect(303, `/usuarios-api?revocado=${encodeURIComponent(username)}`);
  });

  return router;
}
