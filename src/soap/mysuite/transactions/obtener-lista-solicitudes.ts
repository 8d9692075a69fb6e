import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../../services/solicitudes';
import { resumen } from '../../shared/output';
import { toConditions, toOrder } from '../list-query';
import { optional } from '../param-values';
import { parseFilters } from '../params';
import { attributes, base64, emptyElement } from '../response-xml';
import type { MySuiteTransaction } from '../transaction';
import { choiceParam, integerParam, readParams } from '../typed-params';

const FORMATS = { JSON: 'JSON', XML: 'XML' } as const;
const OPERS = { LINES: 'LINES', COUNT: 'COUNT', BOTH: 'BOTH' } as const;

/** The typed keys of OBTENER_LISTA_SOLICITUDES_DM_SAT's Data1 (Filters and Order have their own grammar). */
export const OBTENER_LISTA_SOLICITUDES_PARAMS = Object.freeze({
  Page: integerParam(1, 2_147_483_647),
  PageSize: integerParam(1, MAX_PAGE_SIZE),
  ResponseFormat: choiceParam(FORMATS),
  Oper: choiceParam(OPERS),
});

/**
 * OBTENER_LISTA_SOLICITUDES_DM_SAT: a page of the tenant's solicitudes, filtered and ordered from
 * MYSuite's Filters/Order vocabulary (translated to our query, never to SQL text), in JSON or XML.
 */
export const obtenerListaSolicitudes: MySuiteTransaction = async (call, services) => {
  const { params } = call;
  const typed = readParams(params, OBTENER_LISTA_SOLICITUDES_PARAMS);
  const page = typed.Page ?? 1;
  const pageSize = typed.PageSize ?? DEFAULT_PAGE_SIZE;
  const format = typed.ResponseFormat ?? 'XML';
  const oper = typed.Oper ?? 'BOTH';
  const conditions = toConditions(parseFilters(optional(params, 'Filters')));
  const order = toOrder(optional(params, 'Order'));

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
