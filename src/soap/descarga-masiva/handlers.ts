import { AuthenticationError, generalErrors } from '../../errors';
import type { CfdiService } from '../../services/cfdi';
import type { PagosService } from '../../services/pagos';
import type { SatHealth } from '../../services/sat-health';
import type { ReconciliationService } from '../../services/reconciliation';
import type {
  DownloadLinkService,
  RegistrationService,
  SolicitudQueryService,
} from '../../services/solicitudes';
import type { SoapCallContext, SoapInput, SoapOperationHandler } from '../infra/soap-call-context';
import { consultarConciliacion } from './conciliacion';
import { orderRequested, pageRequested, pageTotals } from './paging';
import { flag, integer, record, text, textFields, texts } from '../shared/input';
import { cfdi, detalle, fecha, pago, resultado, resumen, saldo } from '../shared/output';

/** The services behind the DescargaMasiva binding. */
export interface DescargaMasivaServices {
  readonly registration: RegistrationService;
  readonly queries: SolicitudQueryService;
  readonly links: DownloadLinkService;
  readonly cfdi: CfdiService;
  readonly reconciliation: ReconciliationService;
  /** ConsultarPagos: the payment complements indexed, and each invoice's balance. */
  readonly pagos: Pick<PagosService, 'search'>;
  /** SAT's health: RecuperarSolicitud notes when SAT, not the request, is in trouble (AvisoSat). */
  readonly satHealth?: Pick<SatHealth, 'noticeFor'>;
}

function tenantOf(context: SoapCallContext): { tenantId: string; userId: string } {
  if (!context.principal) throw new AuthenticationError(generalErrors.unauthenticated);
  return { tenantId: context.principal.tenantId, userId: context.principal.userId };
}

/** One thin handler per operation: read the input, call one service, shape the answer. */
export function createDescargaMasivaHandlers(
  services: DescargaMasivaServices,
): Record<string, SoapOperationHandler> {
  return {
    RegistrarSolicitud: async (input: SoapInput, context) => {
      const { tenantId, userId } = tenantOf(context);
      const results = await services.registration.register(
        { tenantId, canal: 'soap', apiUserId: userId },
        {
          ...textFields(input, [
            'Rfc',
            'FechaInicial',
            'FechaFinal',
            'Contexto',
            'TipoSolicitud',
            'TipoDocumento',
            'TipoComprobante',
            'EstadoComprobante',
            'RfcACuentaTerceros',
            'Complemento',
            'Uuid',
            'ReferenciaCliente',
          ]),
          rfcContrapartes: texts(input.RfcContraparte),
          forzar: flag('Forzar', input.Forzar),
          simular: flag('Simular', input.Simular),
        },
      );
      return { Resultados: { Resultado: results.map(resultado) } };
    },

    RecuperarSolicitud: async (input, context) => {
      const { tenantId } = tenantOf(context);
      const detail = await services.queries.get(tenantId, text(input.IdSolicitud) ?? '');
      // The health note is a courtesy: without figures the answer goes out without it.
      const aviso = await services.satHealth
        ?.noticeFor(detail.solicitud.tipoDocumento, detail.solicitud.estado)
        .catch(() => undefined);
      return { Solicitud: detalle(detail, aviso) };
    },

    RecuperarListaSolicitudes: async (input, context) => {
      const { tenantId } = tenantOf(context);
      const filtro = record(input.Filtro);
      const page = await services.queries.list(tenantId, {
        ...textFields(filtro, [
          'Rfc',
          'Contexto',
          'TipoSolicitud',
          'TipoDocumento',
          'ReferenciaCliente',
          'RegistradaDesde',
          'RegistradaHasta',
          'PeriodoDesde',
          'PeriodoHasta',
        ]),
        estados: texts(filtro.Estado),
        ...orderRequested(input),
        ...pageRequested(input),
      });
      return { Solicitudes: { Solicitud: page.rows.map(resumen) }, ...pageTotals(page) };
    },

    RecuperarLinkDescarga: async (input, context) => {
      const { tenantId } = tenantOf(context);
      const link = await services.links.linkFor(
        tenantId,
        text(input.IdSolicitud) ?? '',
        text(input.IdPaquete) ?? '',
        integer('VigenciaSegundos', input.VigenciaSegundos),
      );
      return {
        Url: link.url,
        Expira: fecha(link.expiresAt),
        Tamano: link.size,
        Sha256: link.sha256,
        NombreArchivo: link.fileName,
      };
    },
    ConsultarCfdi: async (input, context) => {
      const { tenantId } = tenantOf(context);
      const filtro = record(input.Filtro);
      const page = await services.cfdi.search(tenantId, {
        ...textFields(filtro, [
          'Uuid',
          'RfcEmisor',
          'RfcReceptor',
          'FechaDesde',
          'FechaHasta',
          'Efecto',
          'Estatus',
          'TipoComprobante',
          'Complemento',
          'Moneda',
          'Serie',
          'Folio',
          'RfcACuentaTerceros',
        ]),
        ...orderRequested(input),
        ...pageRequested(input),
      });
      return { Cfdis: { Cfdi: page.rows.map(cfdi) }, ...pageTotals(page) };
    },

    RecuperarCfdi: async (input, context) => {
      const { tenantId } = tenantOf(context);
      const formato = text(input.Formato) === 'Link' ? 'Link' : 'Base64';
      const found = await services.cfdi.retrieve(tenantId, text(input.Uuid) ?? '', formato);
      return {
        Uuid: found.uuid,
        NombreArchivo: found.fileName,
        ...(found.xml ? { Xml: found.xml.toString('base64') } : {}),
        ...(found.url ? { Url: found.url, Expira: fecha(found.expiresAt) } : {}),
      };
    },

    ConsultarConciliacion: async (input, context) =>
      consultarConciliacion(services.reconciliation, tenantOf(context).tenantId, input),

    ConsultarPagos: async (input, context) => {
      const { tenantId } = tenantOf(context);
      const filtro = record(input.Filtro);
      const page = await services.pagos.search(tenantId, {
        ...textFields(filtro, [
          'UuidDocumento',
          'UuidPago',
          'RfcEmisor',
          'RfcReceptor',
          'FechaPagoDesde',
          'FechaPagoHasta',
        ]),
        ...pageRequested(input),
      });
      return {
        Pagos: { Pago: page.rows.map(pago) },
        Saldos: { Saldo: page.saldos.map(saldo) },
        ...pageTotals(page),
      };
    },
  };
}
