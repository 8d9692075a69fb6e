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
import type { SoapCallContext, SoapInput, SoapOperationHandler } from '../soap-call-context';
import { consultarConciliacion } from './conciliacion';
import { flag, integer, record, text, texts } from './input';
import { cfdi, detalle, fecha, pago, resultado, resumen, saldo } from './output';

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
          rfc: text(input.Rfc),
          fechaInicial: text(input.FechaInicial),
          fechaFinal: text(input.FechaFinal),
          contexto: text(input.Contexto),
          tipoSolicitud: text(input.TipoSolicitud),
          tipoDocumento: text(input.TipoDocumento),
          rfcContrapartes: texts(input.RfcContraparte),
          tipoComprobante: text(input.TipoComprobante),
          estadoComprobante: text(input.EstadoComprobante),
          rfcACuentaTerceros: text(input.RfcACuentaTerceros),
          complemento: text(input.Complemento),
          uuid: text(input.Uuid),
          referenciaCliente: text(input.ReferenciaCliente),
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
      const orden = record(input.Orden);
      const campo = text(orden.Campo);
      const direccion = text(orden.Direccion);
      const page = await services.queries.list(tenantId, {
        rfc: text(filtro.Rfc),
        estados: texts(filtro.Estado),
        contexto: text(filtro.Contexto),
        tipoSolicitud: text(filtro.TipoSolicitud),
        tipoDocumento: text(filtro.TipoDocumento),
        referenciaCliente: text(filtro.ReferenciaCliente),
        registradaDesde: text(filtro.RegistradaDesde),
        registradaHasta: text(filtro.RegistradaHasta),
        periodoDesde: text(filtro.PeriodoDesde),
        periodoHasta: text(filtro.PeriodoHasta),
        ...(campo ? { orden: { campo, direccion: direccion === 'DESC' ? 'DESC' : 'ASC' } } : {}),
        pagina: integer('Pagina', input.Pagina),
        tamanoPagina: integer('TamanoPagina', input.TamanoPagina),
      });
      return {
        Solicitudes: { Solicitud: page.rows.map(resumen) },
        Total: page.total,
        Pagina: page.page,
        TotalPaginas: page.totalPages,
      };
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
      const orden = record(input.Orden);
      const campo = text(orden.Campo);
      const page = await services.cfdi.search(tenantId, {
        uuid: text(filtro.Uuid),
        rfcEmisor: text(filtro.RfcEmisor),
        rfcReceptor: text(filtro.RfcReceptor),
        fechaDesde: text(filtro.FechaDesde),
        fechaHasta: text(filtro.FechaHasta),
        efecto: text(filtro.Efecto),
        estatus: text(filtro.Estatus),
        tipoComprobante: text(filtro.TipoComprobante),
        complemento: text(filtro.Complemento),
        moneda: text(filtro.Moneda),
        serie: text(filtro.Serie),
        folio: text(filtro.Folio),
        rfcACuentaTerceros: text(filtro.RfcACuentaTerceros),
        ...(campo ? { orden: { campo, direccion: text(orden.Direccion) === 'DESC' ? 'DESC' : 'ASC' } } : {}),
        pagina: integer('Pagina', input.Pagina),
        tamanoPagina: integer('TamanoPagina', input.TamanoPagina),
      });
      return {
        Cfdis: { Cfdi: page.rows.map(cfdi) },
        Total: page.total,
        Pagina: page.page,
        TotalPaginas: page.totalPages,
      };
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
        uuidDocumento: text(filtro.UuidDocumento),
        uuidPago: text(filtro.UuidPago),
        rfcEmisor: text(filtro.RfcEmisor),
        rfcReceptor: text(filtro.RfcReceptor),
        fechaPagoDesde: text(filtro.FechaPagoDesde),
        fechaPagoHasta: text(filtro.FechaPagoHasta),
        pagina: integer('Pagina', input.Pagina),
        tamanoPagina: integer('TamanoPagina', input.TamanoPagina),
      });
      return {
        Pagos: { Pago: page.rows.map(pago) },
        Saldos: { Saldo: page.saldos.map(saldo) },
        Total: page.total,
        Pagina: page.page,
        TotalPaginas: page.totalPages,
      };
    },
  };
}
