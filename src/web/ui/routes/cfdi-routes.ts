import { pipeline } from 'node:stream/promises';
import { Router, type Response } from 'express';
import { AppError, NotFoundError, solicitudesErrors } from '../../../errors';
import type { Logger } from '../../../logging';
import { UUID_PATTERN } from '../../../sat';
import type {
  CfdiExportFormat,
  CfdiExports,
  CfdiSearchCriteria,
  CfdiService,
  CfdiTotals,
} from '../../../services/cfdi';
import { cfdiDocumentPage, type XmlShown } from '../pages/cfdi-document-page';
import { CFDI_SORTABLE, cfdiSearchPage } from '../pages/cfdi-search-page';
import { field, messageOf, pageContext, principalOf, queryOf, sendPage } from '../web-kit';
import { prettyXml } from '../xml-view';

export interface CfdiRouteServices {
  readonly logger: Logger;
  readonly cfdi: CfdiService;
  readonly cfdiTotals: CfdiTotals;
  readonly cfdiExports: CfdiExports;
}

const PAGE_SIZE = 25;
/** Larger documents are offered as a download only: laid out, they would make a page of megabytes. */
const MAX_SHOWN_XML_BYTES = 1024 * 1024;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

const CONTENT_TYPES: Record<CfdiExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  zip: 'application/zip',
};

/** The explorer's query string as search criteria; dates are whole days of Mexico City. */
export function criteriaOf(query: URLSearchParams): CfdiSearchCriteria {
  const day = (name: string, time: string): string | undefined => {
    const value = field(query.get(name));
    return value === undefined ? undefined : DAY.test(value) ? `${value}T${time}` : value;
  };
  const campo = field(query.get('orden'));
  const pagina = Math.trunc(Number(query.get('pagina') ?? 1));
  return {
    uuid: field(query.get('uuid')),
    rfcEmisor: field(query.get('rfcEmisor')),
    rfcReceptor: field(query.get('rfcReceptor')),
    nombre: field(query.get('nombre')),
    fechaDesde: day('desde', '00:00:00'),
    fechaHasta: day('hasta', '23:59:59'),
    efecto: field(query.get('efecto')),
    estatus: field(query.get('estatus')),
    serie: field(query.get('serie')),
    folio: field(query.get('folio')),
    moneda: field(query.get('moneda')),
    complemento: field(query.get('complemento')),
    rfcACuentaTerceros: field(query.get('rfcACuentaTerceros')),
    ...(campo && (CFDI_SORTABLE as readonly string[]).includes(campo)
      ? { orden: { campo, direccion: query.get('direccion') === 'ASC' ? 'ASC' : 'DESC' } }
      : {}),
    pagina: Number.isSafeInteger(pagina) && pagina >= 1 ? pagina : 1,
    tamanoPagina: PAGE_SIZE,
  };
}

function stamp(): string {
  return new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
}

function download(response: Response, contentType: string, fileName: string): void {
  response.status(200);
  response.setHeader('Content-Type', contentType);
  response.setHeader('Content-Disposition', `attachment; filename="${fileName}"`);
  response.setHeader('Cache-Control', 'no-store');
}

/**
 * The CFDI explorer: search the tenant's index with totals drawn as charts, open one document (summary
 * and XML), and take the search away as CSV, XLSX or a ZIP of its XML files, each streamed.
 */
export function createCfdiRoutes(services: CfdiRouteServices): Router {
  const router = Router();

  router.get('/cfdi', async (request, response) => {
    const { tenantId } = principalOf(response);
    const context = pageContext(request, response);
    const query = queryOf(request);
    const criteria = criteriaOf(query);
    try {
      const [results, months, counterparts] = await Promise.all([
        services.cfdi.search(tenantId, criteria),
        services.cfdiTotals.perMonth(tenantId, criteria),
        services.cfdiTotals.perCounterpart(tenantId, criteria),
      ]);
      sendPage(response, cfdiSearchPage(context, { query, results, months, counterparts }));
    } catch (error) {
      if (!(error instanceof AppError) || error.kind !== 'validation') throw error;
      const problem = { code: error.code, message: messageOf(error, context.lang) };
      sendPage(response, cfdiSearchPage(context, { query, error: problem }), 400);
    }
  });

  for (const format of Object.keys(CONTENT_TYPES) as CfdiExportFormat[]) {
    router.get(`/cfdi/exportar.${format}`, async (request, response) => {
      const { tenantId } = principalOf(response);
      // Criteria and size are checked before the first byte, so a refusal is still a page.
      const exported = await services.cfdiExports.open(tenantId, criteriaOf(queryOf(request)), format);
      download(response, CONTENT_TYPES[format], `cfdi-${stamp()}.${format}`);
      response.setHeader('X-Total-Count', String(exported.total));
      if (request.method === 'HEAD') {
        // Headers only: nothing is read from the index or the packages.
        exported.stream.destroy();
        return void response.end();
      }
      try {
        await pipeline(exported.stream, response);
      } catch (error) {
        // Headers are gone: the download ends short (no final chunk), which clients report as failed.
        services.logger.warn('cfdi export ended early', {
          tenantId,
          format,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    });
  }

  router.get('/cfdi/:uuid', async (request, response) => {
    const { tenantId } = principalOf(response);
    const document = await services.cfdi.document(tenantId, String(request.params.uuid));
    const context = pageContext(request, response);
    let xml: XmlShown = { kind: 'notHeld' };
    if (document.paquete) {
      try {
        const retrieved = await services.cfdi.retrieve(tenantId, document.uuid);
        const content = retrieved.xml ?? Buffer.alloc(0);
        if (content.length > MAX_SHOWN_XML_BYTES) xml = { kind: 'tooLarge', size: content.length };
        else {
          const text = content.toString('utf8');
          const lines = prettyXml(text);
          xml = lines ? { kind: 'lines', lines } : { kind: 'raw', text };
        }
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        services.logger.warn('cfdi xml not shown', { tenantId, uuid: document.uuid, code: error.code });
        xml = { kind: 'problem', code: error.code, message: messageOf(error, context.lang) };
      }
    }
    sendPage(response, cfdiDocumentPage(context, document, xml));
  });

  router.get('/cfdi/:uuid/xml', async (request, response) => {
    const { tenantId } = principalOf(response);
    const uuid = String(request.params.uuid);
    // A malformed UUID answers like a missing one, not as a validation error.
    if (!UUID_PATTERN.test(uuid))
      throw new NotFoundError(solicitudesErrors.cfdiNotFound, { params: { uuid } });
    const retrieved = await services.cfdi.retrieve(tenantId, uuid);
    download(response, 'application/xml; charset=utf-8', `${uuid.toUpperCase()}.xml`);
    response.send(retrieved.xml);
  });

  return router;
}
