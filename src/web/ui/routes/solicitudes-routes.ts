import { Router } from 'express';
import { AppError } from '../../../errors';
import type { FielRoster } from '../../../services/accounts';
import {
  ESTADOS_FINALES,
  type DownloadLinkService,
  type EstadoSolicitud,
  type RegistrationInput,
  type RegistrationService,
  type SolicitudQueryService,
} from '../../../services/solicitudes';
import { fromLocalInput } from '../format';
import { translator } from '../i18n';
import { registrarPage } from '../pages/registrar-page';
import { solicitudPage } from '../pages/solicitud-page';
import { solicitudesPage } from '../pages/solicitudes-page';
import { field, langOf, messageOf, pageContext, principalOf, queryOf, sendPage } from '../web-kit';

export interface SolicitudesRouteServices {
  readonly fielRoster: FielRoster;
  readonly registration: RegistrationService;
  readonly queries: SolicitudQueryService;
  readonly links: DownloadLinkService;
}

const PAGE_SIZE = 25;
/** A package link from the web lives just long enough for the browser to follow it. */
const DOWNLOAD_LINK_SECONDS = 300;

/** Solicitudes: list, live progress, registration form, detail and package download. */
export function createSolicitudesRoutes(services: SolicitudesRouteServices): Router {
  const router = Router();

  router.get('/solicitudes', async (request, response) => {
    const { tenantId } = principalOf(response);
    const query = queryOf(request);
    const desde = field(query.get('registradaDesde'));
    const hasta = field(query.get('registradaHasta'));
    const campo = field(query.get('orden'));
    const estado = field(query.get('estado'));
    const page = await services.queries.list(tenantId, {
      rfc: field(query.get('rfc')),
      estados: estado ? [estado] : [],
      contexto: field(query.get('contexto')),
      tipoSolicitud: field(query.get('tipoSolicitud')),
      tipoDocumento: field(query.get('tipoDocumento')),
      registradaDesde: desde ? `${desde}T00:00:00` : undefined,
      registradaHasta: hasta ? `${hasta}T23:59:59` : undefined,
      ...(campo ? { orden: { campo, direccion: query.get('direccion') === 'ASC' ? 'ASC' : 'DESC' } } : {}),
      pagina: Number(query.get('pagina') ?? 1) || 1,
      tamanoPagina: PAGE_SIZE,
    });
    sendPage(
      response,
      solicitudesPage(pageContext(request, response), {
        rows: page.rows,
        page: page.page,
        totalPages: page.totalPages,
        total: page.total,
        query,
      }),
    );
  });

  /** Live progress for the pages' script: states of the listed solicitudes, this tenant's only. */
  router.get('/solicitudes/progreso', async (request, response) => {
    const principal = principalOf(response);
    const ids = String(request.query.ids ?? '')
      .split(',')
      .map((id) => id.trim())
      .filter((id) => /^[0-9a-f-]{36}$/i.test(id))
      .slice(0, 100);
    const rows = await services.queries.states(principal.tenantId, ids);
    const t = translator(langOf(request, principal));
    response.setHeader('Cache-Control', 'no-store');
    response.json(
      rows.map((row) => ({
        id: row.id,
        estado: row.estado,
        etiqueta: t(`estado.${row.estado as EstadoSolicitud}`),
        final: ESTADOS_FINALES.has(row.estado as EstadoSolicitud),
        numeroCfdis: row.numeroCfdis,
        paquetes: `${row.paquetesAlmacenados}/${row.paquetesTotal}`,
      })),
    );
  });

  /** Only RFCs whose e.firma can still sign: an expired one would be Rechazada at once. */
  async function rfcsWithFiel(tenantId: string) {
    const fiels = (await services.fielRoster.list(tenantId)).filter((item) => item.status !== 'expired');
    return fiels.map((item) => ({ rfc: item.rfc, nombre: item.nombre || null }));
  }

  router.get('/solicitudes/nueva', async (request, response) => {
    const { tenantId } = principalOf(response);
    sendPage(
      response,
      registrarPage(pageContext(request, response), { rfcs: await rfcsWithFiel(tenantId), values: {} }),
    );
  });

  router.post('/solicitudes/nueva', async (request, response) => {
    const { tenantId } = principalOf(response);
    const body = request.body as Record<string, unknown>;
    const values: Record<string, string> = {};
    for (const [key, value] of Object.entries(body)) {
      if (key !== '_csrf' && typeof value === 'string') values[key] = value;
    }
    const contraparte = field(body.rfcContraparte);
    const input: RegistrationInput = {
      rfc: field(body.rfc),
      fechaInicial: fromLocalInput(field(body.fechaInicial)),
      fechaFinal: fromLocalInput(field(body.fechaFinal)),
      contexto: field(body.contexto),
      tipoSolicitud: field(body.tipoSolicitud),
      tipoDocumento: field(body.tipoDocumento),
      rfcContrapartes: contraparte ? [contraparte] : [],
      tipoComprobante: field(body.tipoComprobante),
      estadoComprobante: field(body.estadoComprobante),
      rfcACuentaTerceros: field(body.rfcACuentaTerceros),
      complemento: field(body.complemento),
      uuid: field(body.uuid),
      referenciaCliente: field(body.referenciaCliente),
      forzar: body.forzar === 'true',
      simular: body.simular === 'true',
    };
    const context = pageContext(request, response);
    const rfcs = await rfcsWithFiel(tenantId);
    try {
      const results = await services.registration.register({ tenantId, canal: 'web' }, input);
      sendPage(response, registrarPage(context, { rfcs, values, results }));
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const problem = { code: error.code, message: messageOf(error, context.lang) };
      sendPage(response, registrarPage(context, { rfcs, values, error: problem }), 400);
    }
  });

  router.get('/solicitudes/:id', async (request, response) => {
    const { tenantId } = principalOf(response);
    const detail = await services.queries.get(tenantId, String(request.params.id));
    sendPage(response, solicitudPage(pageContext(request, response), detail));
  });

  router.get('/solicitudes/:id/paquetes/:idPaquete', async (request, response) => {
    const { tenantId } = principalOf(response);
    const link = await services.links.linkFor(
      tenantId,
      String(request.params.id),
      String(request.params.idPaquete),
      DOWNLOAD_LINK_SECONDS,
    );
    response.setHeader('Cache-Control', 'no-store');
    response.redirect(303, link.url);
  });

  return router;
}
