import { ValidationError, generalErrors } from '../../../errors';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../../services/solicitudes';
import { integer } from '../../descarga-masiva/input';
import { resumen } from '../../descarga-masiva/output';
import { toConditions, toOrder } from '../list-query';
import { choice, optional } from '../param-values';
import { parseFilters } from '../params';
import { attributes, base64, emptyElement } from '../response-xml';
import type { MySuiteTransaction } from '../transaction';

const FORMATS = { JSON: 'JSON', XML: 'XML' } as const;
const OPERS = { LINES: 'LINES', COUNT: 'COUNT', BOTH: 'BOTH' } as const;

/**
 * OBTENER_LISTA_SOLICITUDES_DM_SAT: a page of the tenant's solicitudes, filtered and ordered from
 * MYSuite's Filters/Order vocabulary (translated to our query, never to SQL text), in JSON or XML.
 */
export const obtenerListaSolicitudes: MySuiteTransaction = async (call, services) => {
  const { params } = call;
  const page = integer('Page', optional(params, 'Page')) ?? 1;
  const pageSize = integer('PageSize', optional(params, 'PageSize')) ?? DEFAULT_PAGE_SIZE;
  const format =
    optional(params, 'ResponseFormat') === undefined ? 'XML' : choice(params, 'ResponseFormat', FORMATS);
  const oper = optional(params, 'Oper') === undefined ? 'BOTH' : choice(params, 'Oper', OPERS);
  const conditions = toConditions(parseFilters(optional(params, 'Filters')));
  const order = toOrder(optional(params, 'Order'));
  if (page < 1) {
    throw new ValidationError(generalErrors.fieldInvalid, { params: { field: 'Page', reason: 'from 1' } });
  }
  if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    throw new ValidationError(generalErrors.fieldInvalid, {
      params: { field: 'PageSize', reason: `between 1 and ${MAX_PAGE_SIZE}` },
    });
  }

  return async () => {
    const result = await services.queries.listWhere(call.tenantId, conditions, order, { page, pageSize });
    const lines = oper === 'COUNT' ? [] : result.rows.map(resumen);
    const totals = { PageSize: result.pageSize, TotalLines: result.total, TotalPages: result.totalPages };
    const body =
      format === 'JSON'
        ? JSON.stringify({
            ...(oper === 'LINES' ? {} : totals),
            ...(oper === 'COUNT' ? {} : { Solicitudes: lines }),
          })
        : `<Solicitudes${oper === 'LINES' ? '' : attributes(totals)}>${lines
            .map((line) => emptyElement('Solicitud', line))
            .join('')}</Solicitudes>`;
    return { data: String(result.total), responseData1: base64(body) };
  };
};
