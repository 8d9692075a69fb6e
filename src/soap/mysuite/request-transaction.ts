import { randomUUID } from 'node:crypto';
import { AppError, AuthorizationError, InternalError, ValidationError, generalErrors } from '../../errors';
import type { Logger } from '../../logging';
import type { ApiUserService, ContribuyenteDirectory } from '../../services/accounts';
import type {
  RegistrationResult,
  RegistrationService,
  SolicitudQueryService,
} from '../../services/solicitudes';
import { detalle, resumen } from '../descarga-masiva/output';
import { integer, text } from '../descarga-masiva/input';
import type { SoapCallContext, SoapInput, SoapOperationHandler } from '../soap-call-context';
import { escapeXml } from '../xml-text';
import { toConditions, toOrder } from './list-query';
import { parseDictionary, parseFilters } from './params';

export interface MySuiteServices {
  readonly logger: Logger;
  readonly apiUsers: ApiUserService;
  readonly contribuyentes: ContribuyenteDirectory;
  readonly registration: RegistrationService;
  readonly queries: SolicitudQueryService;
}

interface Outcome {
  readonly data: string;
  readonly responseData1?: string;
}

type Params = Map<string, string>;

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const EMPTY_GUID = '00000000-0000-0000-0000-000000000000';

function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

function required(params: Params, key: string): string {
  const value = params.get(key.toLowerCase())?.trim();
  if (!value) throw new ValidationError(generalErrors.fieldRequired, { params: { field: key } });
  return value;
}

function oneOf(params: Params, key: string, allowed: Record<string, readonly string[]>): readonly string[] {
  const raw = required(params, key).toUpperCase();
  const found = allowed[raw];
  if (!found) {
    throw new ValidationError(generalErrors.fieldInvalid, {
      params: { field: key, reason: `use ${Object.keys(allowed).join(' | ')}` },
    });
  }
  return found;
}

/** The scalar members of a record as XML attributes (nested records are left to their own elements). */
function attributes(record: Record<string, unknown>): string {
  return Object.entries(record)
    .filter(([, value]) => value !== undefined && value !== null && typeof value !== 'object')
    .map(([key, value]) => ` ${key}="${escapeXml(String(value))}"`)
    .join('');
}

function xmlElement(name: string, record: Record<string, unknown>): string {
  return `<${name}${attributes(record)}/>`;
}

function registrationRow(result: RegistrationResult, servicio: string): Record<string, unknown> {
  return {
    Id: result.idSolicitud ?? '',
    Servicio: servicio,
    TipoSolicitud: result.tipoSolicitud,
    TipoTaxID: result.contexto === 'Emitidos' ? 'EMISOR' : 'RECEPTOR',
    Estado: result.estado,
    Codigo: result.codigo ?? '',
    Mensaje: result.mensaje ?? '',
    IdsExistentes: result.idsSolicitudExistentes.join(','),
  };
}

/**
 * MYSuite's single operation: `Transaction` names what to do, `Data1` carries the parameters, errors
 * come back in-band (`Result=false`, `Code`, `Description`, `Hint`). Authentication is the Requestor GUID
 * of an API user; `Entity` (the RFC) must belong to that user's tenant.
 */
export function createRequestTransactionHandler(services: MySuiteServices): SoapOperationHandler {
  const transactions: Record<
    string,
    (tenantId: string, rfc: string, params: Params, userId: string) => Promise<Outcome>
  > = {
    REGISTRAR_SOLICITUD_DM_SAT: async (tenantId, rfc, params, userId) => {
      const servicios = oneOf(params, 'Servicio', {
        CFDIS: ['CFDI'],
        RETENCIONES: ['Retenciones'],
        AMBOS: ['CFDI', 'Retenciones'],
      });
      const tipo = oneOf(params, 'TipoSolicitud', {
        METADATA: ['Metadata'],
        CFDI: ['CFDI'],
        AMBOS: ['Ambos'],
      })[0];
      const contexto = oneOf(params, 'TipoTaxID', {
        EMISOR: ['Emitidos'],
        RECEPTOR: ['Recibidos'],
        AMBOS: ['Ambos'],
      })[0];
      const rows: Record<string, unknown>[] = [];
      for (const tipoDocumento of servicios) {
        const results = await services.registration.register(
          { tenantId, canal: 'mysuite', apiUserId: userId },
          {
            rfc,
            fechaInicial: required(params, 'FechaInicial'),
            fechaFinal: required(params, 'FechaFinal'),
            contexto,
            tipoSolicitud: tipo,
            tipoDocumento,
            ...(params.get('referenciacliente')
              ? { referenciaCliente: `${params.get('referenciacliente')}:${tipoDocumento}` }
              : {}),
          },
        );
        rows.push(
          ...results.map((result) =>
            registrationRow(result, tipoDocumento === 'CFDI' ? 'CFDIS' : 'RETENCIONES'),
          ),
        );
      }
      const xml = `<Solicitudes>${rows.map((row) => xmlElement('Solicitud', row)).join('')}</Solicitudes>`;
      const registered = rows.filter((row) => row.Estado === 'Registrada').length;
      return {
        data: `${rows.length} solicitud(es); ${registered} registrada(s).`,
        responseData1: base64(xml),
      };
    },

    OBTENER_SOLICITUD_DM_SAT: async (tenantId, _rfc, params) => {
      const detail = await services.queries.get(tenantId, required(params, 'Id'));
      const full = detalle(detail);
      const paquetes = ((full.Paquetes as { Paquete: Record<string, unknown>[] }).Paquete ?? [])
        .map((paquete) => xmlElement('Paquete', paquete))
        .join('');
      const xml = `<Solicitud${attributes(full)}>${paquetes}</Solicitud>`;
      return { data: String(full.Estado), responseData1: base64(xml) };
    },

    OBTENER_LISTA_SOLICITUDES_DM_SAT: async (tenantId, _rfc, params) => {
      const pageNumber = integer('Page', params.get('page')) ?? 1;
      const pageSize = integer('PageSize', params.get('pagesize')) ?? 50;
      const format = (params.get('responseformat') ?? 'XML').trim().toUpperCase();
      const oper = (params.get('oper') ?? 'BOTH').trim().toUpperCase();
      if (format !== 'XML' && format !== 'JSON') {
        throw new ValidationError(generalErrors.fieldInvalid, {
          params: { field: 'ResponseFormat', reason: 'use JSON | XML' },
        });
      }
      if (!['LINES', 'COUNT', 'BOTH'].includes(oper)) {
        throw new ValidationError(generalErrors.fieldInvalid, {
          params: { field: 'Oper', reason: 'use LINES | COUNT | BOTH' },
        });
      }
      const page = await services.queries.listWhere(
        tenantId,
        toConditions(parseFilters(params.get('filters'))),
        toOrder(params.get('order')),
        { page: pageNumber, pageSize },
      );
      const lines = oper === 'COUNT' ? [] : page.rows.map(resumen);
      const totals = { PageSize: page.pageSize, TotalLines: page.total, TotalPages: page.totalPages };
      const body =
        format === 'JSON'
          ? JSON.stringify({
              ...(oper === 'LINES' ? {} : totals),
              ...(oper === 'COUNT' ? {} : { Solicitudes: lines }),
            })
          : `<Solicitudes${oper === 'LINES' ? '' : attributes(totals)}>${lines
              .map((line) => xmlElement('Solicitud', line))
              .join('')}</Solicitudes>`;
      return { data: `${page.total}`, responseData1: base64(body) };
    },

    OBTENER_LINK_DESCARGA_DM_SAT: async () => {
      throw new InternalError(generalErrors.operationUnavailable, {
        params: { operation: 'OBTENER_LINK_DESCARGA_DM_SAT' },
      });
    },
  };

  return async (input: SoapInput, context: SoapCallContext) => {
    const requestor = text(input.Requestor) ?? '';
    const transaction = (text(input.Transaction) ?? '').toUpperCase();
    const entity = (text(input.Entity) ?? '').toUpperCase();
    const country = text(input.Country) ?? '';
    const user = text(input.User) ?? '';
    const id = GUID.test(context.requestId) ? context.requestId : randomUUID();
    const request = {
      Requestor: GUID.test(requestor) ? requestor : EMPTY_GUID,
      RequestorName: '',
      RequestorActive: false,
      Transaction: transaction,
      Country: country,
      Entity: entity,
      User: GUID.test(user) ? user : EMPTY_GUID,
      UserName: text(input.UserName) ?? '',
      Id: id,
      TimeStamp: new Date().toISOString(),
    };
    try {
      const caller = await services.apiUsers.authenticateRequestor(requestor);
      request.RequestorName = caller.username;
      request.RequestorActive = true;
      if (country.toUpperCase() !== 'MX') {
        throw new ValidationError(generalErrors.countryNotSupported, {
          params: { field: 'Country', country },
        });
      }
      const run = transactions[transaction];
      if (!run)
        throw new ValidationError(generalErrors.unknownTransaction, {
          params: { field: 'Transaction', transaction },
        });
      if (!(await services.contribuyentes.belongsTo(caller.tenantId, entity))) {
        throw new AuthorizationError(generalErrors.entityNotInTenant, { params: { rfc: entity } });
      }
      const outcome = await run(caller.tenantId, entity, parseDictionary(text(input.Data1)), caller.userId);
      return {
        RequestTransactionResult: {
          Request: request,
          Response: {
            Result: true,
            TimeStamp: new Date().toISOString(),
            Code: 0,
            Description: 'OK',
            Hint: '',
            Data: outcome.data,
          },
          ResponseData: { ResponseData1: outcome.responseData1 ?? '', ResponseData2: '', ResponseData3: '' },
        },
      };
    } catch (caught) {
      const error: AppError =
        caught instanceof AppError
          ? caught
          : new InternalError(generalErrors.internal, {
              params: { requestId: context.requestId },
              cause: caught,
            });
      if (!(caught instanceof AppError)) {
        services.logger.error('RequestTransaction failed', { error: caught, transaction });
      }
      // In-band like MYSuite: the numeric part of our stable code, Spanish description, English hint.
      return {
        RequestTransactionResult: {
          Request: request,
          Response: {
            Result: false,
            TimeStamp: new Date().toISOString(),
            Code: Number(error.code.replace(/\D/g, '')),
            Description: error.messageEs,
            Hint: `${error.code}: ${error.messageEn}`,
            Data: '',
          },
          ResponseData: { ResponseData1: '', ResponseData2: '', ResponseData3: '' },
        },
      };
    }
  };
}
