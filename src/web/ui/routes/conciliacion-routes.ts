import { pipeline } from 'node:stream/promises';
import { Router } from 'express';
import { AppError } from '../../../errors';
import type { Logger } from '../../../logging';
import type { ContribuyenteDirectory } from '../../../services/accounts';
import {
  RECONCILIATION_CLASSES,
  type ReconciliationCriteria,
  type ReconciliationService,
} from '../../../services/reconciliation';
import { conciliacionPage } from '../pages/conciliacion-page';
import { field, messageOf, pageContext, principalOf, queryOf, sendPage } from '../web-kit';

export interface ConciliacionRouteServices {
  readonly logger: Logger;
  readonly contribuyentes: ContribuyenteDirectory;
  readonly reconciliation: ReconciliationService;
}

const PAGE_SIZE = 50;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The page's query string as criteria; dates are whole days of Mexico City, as the form sends them. */
export function conciliacionCriteriaOf(query: URLSearchParams): ReconciliationCriteria {
  const day = (name: string, time: string): string | undefined => {
    const value = field(query.get(name));
    return value === undefined ? undefined : DAY.test(value) ? `${value}T${time}` : value;
  };
  const clase = field(query.get('clase'));
  const pagina = Math.trunc(Number(query.get('pagina') ?? 1));
  return {
    rfc: field(query.get('rfc')),
    fechaInicial: day('desde', '00:00:00'),
    fechaFinal: day('hasta', '23:59:59'),
    contexto: field(query.get('contexto')),
    // No choice lists the differences; `Todas` every class, including the documents in order.
    ...(clase ? { clases: clase === 'Todas' ? RECONCILIATION_CLASSES : [clase] } : {}),
    pagina: Number.isSafeInteger(pagina) && pagina >= 1 ? pagina : 1,
    tamanoPagina: PAGE_SIZE,
  };
}

function stamp(): string {
  return new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
}

/** Reconciliation: the report page and its CSV export, both over this tenant's index only. */
export function createConciliacionRoutes(services: ConciliacionRouteServices): Router {
  const router = Router();

  router.get('/conciliacion', async (request, response) => {
    const { tenantId } = principalOf(response);
    const context = pageContext(request, response);
    const query = queryOf(request);
    const rfcs = (await services.contribuyentes.list(tenantId)).map((item) => ({
      rfc: item.rfc,
      nombre: item.nombre,
    }));
    // Nothing asked yet: only the form.
    if (!query.has('rfc')) {
      sendPage(response, conciliacionPage(context, { query, rfcs }));
      return;
    }
    try {
      const report = await services.reconciliation.report(tenantId, conciliacionCriteriaOf(query));
      sendPage(response, conciliacionPage(context, { query, rfcs, report }));
    } catch (error) {
      if (!(error instanceof AppError) || !['validation', 'not-found'].includes(error.kind)) throw error;
      const problem = { code: error.code, message: messageOf(error, context.lang) };
      sendPage(response, conciliacionPage(context, { query, rfcs, error: problem }), 400);
    }
  });

  router.get('/conciliacion/exportar.csv', async (request, response) => {
    const { tenantId } = principalOf(response);
    const criteria = conciliacionCriteriaOf(queryOf(request));
    // Criteria are checked before the first byte, so a refusal is still an error page.
    const exported = await services.reconciliation.exportCsv(tenantId, criteria);
    response.status(200);
    response.setHeader('Content-Type', 'text/csv; charset=utf-8');
    response.setHeader(
      'Content-Disposition',
      `attachment; filename="conciliacion-${(criteria.rfc ?? '').toUpperCase().replace(/[^A-Z0-9]/g, '_')}-${stamp()}.csv"`,
    );
    response.setHeader('Cache-Control', 'no-store');
    response.setHeader('X-Total-Count', String(exported.total));
    try {
      await pipeline(exported.stream, response);
    } catch (error) {
      // Headers are gone: the download ends short (no final chunk), which clients report as failed.
      services.logger.warn('reconciliation export ended early', {
        tenantId,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  });

  return router;
}
