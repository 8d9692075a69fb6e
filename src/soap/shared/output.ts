import { toMexicoWallClock } from '../../services/periods/mexico-time';
import { EFECTOS, decimalText, type CfdiService } from '../../services/cfdi';
import type { PagosPage } from '../../services/pagos';
import type { SatNotice } from '../../services/sat-health';
import type { RegistrationResult, SolicitudDetail, SolicitudQueryService } from '../../services/solicitudes';

// The soap layer sees records only through what services return.
type Solicitud = SolicitudDetail['solicitud'];
/** What a list page holds of each solicitud. */
type SolicitudListRow = Awaited<ReturnType<SolicitudQueryService['list']>>['rows'][number];
type SatRequest = SolicitudDetail['satRequests'][number];
type Paquete = SolicitudDetail['paquetes'][number];
type SolicitudEstado = SolicitudDetail['historial'][number];
type CfdiSearchRow = Awaited<ReturnType<CfdiService['search']>>['rows'][number];
type PagoConsultado = PagosPage['rows'][number];
type DocumentoPagado = PagoConsultado['documentos'][number];
type SaldoDocumento = PagosPage['saldos'][number];

/** Mexico City wall-clock text, as the contract writes every date-time. */
export function fecha(date: Date | null | undefined): string | undefined {
  return date ? toMexicoWallClock(date) : undefined;
}

/** Our periods are half-open; clients wrote (and read) SAT's inclusive FechaFinal. */
export function fechaFinal(end: Date | null | undefined): string | undefined {
  return end ? toMexicoWallClock(new Date(end.getTime() - 1000)) : undefined;
}

/**
 * An amount as the xs:decimal the CFDI or SAT wrote, without the padding of the numeric(24,6) column
 * (`7924.660000` → `7924.66`, `100.000000` → `100`). A value that is no decimal is left out rather than
 * sent where the contract promises an xs:decimal.
 */
export function importe(value: string | null | undefined): string | undefined {
  const text = decimalText(value);
  return text !== undefined && /^-?\d+(\.\d+)?$/.test(text) ? text : undefined;
}

/** Drops undefined members so optional elements are left out rather than sent empty. */
export function compact<T extends Record<string, unknown>>(value: T): T {
  // A loop, not entries/filter/fromEntries: it runs for every element group of every answer.
  const kept: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item = value[key];
    if (item !== undefined && item !== null) kept[key] = item;
  }
  return kept as T;
}

export function resultado(result: RegistrationResult): Record<string, unknown> {
  return compact({
    IdSolicitud: result.idSolicitud ?? undefined,
    Contexto: result.contexto,
    TipoSolicitud: result.tipoSolicitud,
    Estado: result.estado,
    Codigo: result.codigo ?? undefined,
    Mensaje: result.mensaje ?? undefined,
    IdsSolicitudExistentes:
      result.idsSolicitudExistentes.length > 0
        ? { IdSolicitud: [...result.idsSolicitudExistentes] }
        : undefined,
    PeriodosSolicitados:
      result.periodosSolicitados.length > 0
        ? {
            Periodo: result.periodosSolicitados.map((periodo) => ({
              Inicio: fecha(new Date(periodo.inicio)),
              Fin: fechaFinal(new Date(periodo.fin)),
            })),
          }
        : undefined,
    SolicitudesSat: result.solicitudesSat,
    DocumentosEstimados: result.documentosEstimados ?? undefined,
    Dimensionado: result.dimensionado,
  });
}

export function resumen(solicitud: SolicitudListRow): Record<string, unknown> {
  return compact({
    IdSolicitud: solicitud.id,
    Rfc: solicitud.rfc,
    Contexto: solicitud.contexto,
    TipoSolicitud: solicitud.tipoSolicitud,
    TipoDocumento: solicitud.tipoDocumento,
    FechaInicial: fecha(solicitud.fechaInicial),
    FechaFinal: fechaFinal(solicitud.fechaFinal),
    ReferenciaCliente: solicitud.referenciaCliente ?? undefined,
    Estado: solicitud.estado,
    EstadoSat: solicitud.estadoSat ?? undefined,
    NumeroCFDIs: solicitud.numeroCfdis ?? undefined,
    NumeroPaquetes: solicitud.paquetesTotal,
    FechaRegistro: fecha(solicitud.createdAt),
    FechaActualizacion: fecha(solicitud.updatedAt),
  });
}

function filtros(solicitud: Solicitud): Record<string, unknown> | undefined {
  const stored = solicitud.filtros;
  const value = compact({
    RfcContraparte: Array.isArray(stored.rfcContrapartes) ? stored.rfcContrapartes : undefined,
    TipoComprobante: stored.tipoComprobante,
    EstadoComprobante: stored.estadoComprobante,
    RfcACuentaTerceros: stored.rfcACuentaTerceros,
    Complemento: stored.complemento,
    Uuid: stored.uuid,
  });
  return Object.keys(value).length > 0 ? value : undefined;
}

function solicitudSat(request: SatRequest): Record<string, unknown> {
  return compact({
    Parte: request.parte,
    IdSolicitudSat: request.idSolicitudSat ?? undefined,
    Periodo:
      request.periodoInicio && request.periodoFin
        ? { Inicio: fecha(request.periodoInicio), Fin: fechaFinal(request.periodoFin) }
        : undefined,
    Estado: request.estado,
    CodEstatus: request.codEstatus ?? undefined,
    Mensaje: request.mensaje ?? undefined,
    EstadoSolicitud: request.estadoSolicitud ?? undefined,
    CodigoEstadoSolicitud: request.codigoEstadoSolicitud ?? undefined,
    NumeroCFDIs: request.numeroCfdis ?? undefined,
  });
}

function paquete(item: Paquete): Record<string, unknown> {
  return compact({
    IdPaquete: item.idPaquete,
    Tamano: item.tamano ?? undefined,
    Sha256: item.sha256 ?? undefined,
    Estado: item.estado,
    FechaAlmacenado: fecha(item.storedAt),
  });
}

function cambio(change: SolicitudEstado): Record<string, unknown> {
  return compact({
    Estado: change.estado,
    EstadoSat: change.estadoSat ?? undefined,
    Codigo: change.codigo ?? undefined,
    Mensaje: change.mensaje ?? undefined,
    Fecha: fecha(change.at),
  });
}

const OPERACIONES_SAT: Readonly<Record<SatNotice['operation'], string>> = {
  autenticacion: 'Autenticacion',
  solicitud: 'Solicitud',
  verificacion: 'Verificacion',
  descarga: 'Descarga',
};

/** RecuperarSolicitud's AvisoSat: the SAT service the solicitud waits on is degraded or down. */
function avisoSat(aviso: SatNotice): Record<string, unknown> {
  return compact({
    Servicio: aviso.servicio === 'retenciones' ? 'Retenciones' : 'CFDI',
    Operacion: OPERACIONES_SAT[aviso.operation],
    Estado: aviso.state === 'down' ? 'Caido' : 'Degradado',
    PorcentajeExito: aviso.successRate === undefined ? undefined : Math.round(aviso.successRate * 100),
    Mensaje: aviso.es,
    MensajeEn: aviso.en,
  });
}

/**
 * RecuperarSolicitud's Solicitud. With `aviso` (SAT in trouble), a solicitud without a message of its
 * own carries the note as its Mensaje, for clients that read only that, and every one gets AvisoSat.
 */
export function detalle(detail: SolicitudDetail, aviso?: SatNotice): Record<string, unknown> {
  const { solicitud } = detail;
  return {
    ...resumen(solicitud),
    ...compact({
      Filtros: filtros(solicitud),
      Forzar: solicitud.forzar,
      CodigoSat: solicitud.satCodEstatus ?? undefined,
      MensajeSat: solicitud.satMensaje ?? undefined,
      Codigo: solicitud.codigo ?? undefined,
      Mensaje: solicitud.mensaje ?? aviso?.es ?? undefined,
      FechaInicioProceso: fecha(solicitud.startedAt),
      FechaFinProceso: fecha(solicitud.finishedAt),
    }),
    SolicitudesSat: { SolicitudSat: detail.satRequests.map(solicitudSat) },
    Paquetes: { Paquete: detail.paquetes.map(paquete) },
    Historial: { Cambio: detail.historial.map(cambio) },
    ...(aviso ? { AvisoSat: avisoSat(aviso) } : {}),
  };
}

/** Text that is there, or nothing: an empty value is left out rather than sent as an empty element. */
function present(value: string | null | undefined): string | undefined {
  return value === null || value === undefined || value.trim() === '' ? undefined : value;
}

/**
 * One entry of ConsultarCfdi: what the index knows of a document (metadata and/or XML header). The
 * elements after TieneXml were added within v1, optional and at the end of the sequence, in its order.
 */
export function cfdi(row: CfdiSearchRow): Record<string, unknown> {
  const tipo = row.tipoComprobante?.trim().toUpperCase();
  return compact({
    Uuid: row.uuid,
    RfcEmisor: row.rfcEmisor ?? '',
    NombreEmisor: row.nombreEmisor ?? undefined,
    RfcReceptor: row.rfcReceptor ?? '',
    NombreReceptor: row.nombreReceptor ?? undefined,
    FechaEmision: fecha(row.fechaEmision),
    FechaCertificacion: fecha(row.fechaCertificacion),
    Monto: importe(row.monto),
    Efecto: row.efecto ?? undefined,
    Estatus: row.estatus ?? undefined,
    FechaCancelacion: fecha(row.fechaCancelacion),
    TieneXml: row.paqueteId !== null,
    RfcPac: present(row.rfcPac),
    RfcACuentaTerceros: present(row.rfcACuentaTerceros),
    NombreACuentaTerceros: present(row.nombreACuentaTerceros),
    Version: present(row.version),
    // The contract's enumeration: a value outside it (none is expected) is left out, not sent invalid.
    TipoComprobante: tipo && (EFECTOS as readonly string[]).includes(tipo) ? tipo : undefined,
    Serie: present(row.serie),
    Folio: present(row.folio),
    Fecha: fecha(row.fecha),
    FechaTimbrado: fecha(row.fechaTimbrado),
    SubTotal: importe(row.subTotal),
    Descuento: importe(row.descuento),
    Total: importe(row.total),
    Moneda: present(row.moneda),
    TipoCambio: importe(row.tipoCambio),
    MetodoPago: present(row.metodoPago),
    FormaPago: present(row.formaPago),
    UsoCfdi: present(row.usoCfdi),
    LugarExpedicion: present(row.lugarExpedicion),
    Complementos: row.complementos?.length ? { Complemento: [...row.complementos] } : undefined,
  });
}

function doctoRelacionado(documento: DocumentoPagado): Record<string, unknown> {
  return compact({
    IdDocumento: documento.idDocumento,
    Serie: present(documento.serie),
    Folio: present(documento.folio),
    MonedaDR: present(documento.monedaDR),
    EquivalenciaDR: importe(documento.equivalenciaDR),
    TipoCambioDR: importe(documento.tipoCambioDR),
    NumParcialidad: documento.numParcialidad ?? undefined,
    ImpSaldoAnt: importe(documento.impSaldoAnt),
    ImpPagado: importe(documento.impPagado),
    ImpSaldoInsoluto: importe(documento.impSaldoInsoluto),
  });
}

/** One `Pago` of ConsultarPagos: the payment CFDI's data, the Pago's, and the invoices it settles. */
export function pago(item: PagoConsultado): Record<string, unknown> {
  return compact({
    UuidPago: item.uuid,
    Indice: item.indice,
    Version: item.version,
    RfcEmisor: present(item.rfcEmisor),
    NombreEmisor: present(item.nombreEmisor),
    RfcReceptor: present(item.rfcReceptor),
    NombreReceptor: present(item.nombreReceptor),
    Estatus: item.estatus ?? undefined,
    FechaPago: fecha(item.fechaPago),
    FormaDePagoP: present(item.formaDePagoP),
    MonedaP: present(item.monedaP),
    TipoCambioP: importe(item.tipoCambioP),
    Monto: importe(item.monto),
    DoctosRelacionados: { DoctoRelacionado: item.documentos.map(doctoRelacionado) },
  });
}

/** ConsultarPagos' balance of one invoice: the last ImpSaldoInsoluto and the sum paid. */
export function saldo(item: SaldoDocumento): Record<string, unknown> {
  return compact({
    UuidDocumento: item.idDocumento,
    MonedaDR: present(item.monedaDR),
    SaldoInsoluto: importe(item.saldoInsoluto),
    TotalPagado: importe(item.totalPagado),
    Parcialidades: item.parcialidades,
    UltimaParcialidad: item.ultimaParcialidad ?? undefined,
  });
}
