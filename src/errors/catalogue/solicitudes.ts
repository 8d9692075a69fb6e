import { defineErrors } from '../definition';

/** Registration, ledger and lookup of solicitudes: codes DM-9xxx. */
export const solicitudesErrors = defineErrors({
  rfcInvalid: {
    code: 'DM-9001',
    kind: 'validation',
    es: 'El campo {field} no contiene un RFC válido: "{value}".',
    en: 'Field {field} does not hold a valid RFC: "{value}".',
  },
  dateInvalid: {
    code: 'DM-9002',
    kind: 'validation',
    es: 'El campo {field} debe ser una fecha-hora de la Ciudad de México con formato yyyy-MM-ddTHH:mm:ss: "{value}".',
    en: 'Field {field} must be a Mexico City date-time formatted yyyy-MM-ddTHH:mm:ss: "{value}".',
  },
  periodInverted: {
    code: 'DM-9003',
    kind: 'validation',
    es: 'FechaFinal ({fechaFinal}) debe ser posterior a FechaInicial ({fechaInicial}).',
    en: 'FechaFinal ({fechaFinal}) must be later than FechaInicial ({fechaInicial}).',
  },
  periodTooOld: {
    code: 'DM-9004',
    kind: 'validation',
    es: 'El SAT solo entrega documentos desde {limite}; FechaInicial {fechaInicial} es anterior.',
    en: 'SAT only returns documents since {limite}; FechaInicial {fechaInicial} is earlier.',
  },
  periodInFuture: {
    code: 'DM-9005',
    kind: 'validation',
    es: 'FechaInicial {fechaInicial} está en el futuro.',
    en: 'FechaInicial {fechaInicial} is in the future.',
  },
  uuidWithFilters: {
    code: 'DM-9006',
    kind: 'validation',
    es: 'Una solicitud por Uuid no admite otros filtros ({field}).',
    en: 'A request by Uuid accepts no other filter ({field}).',
  },
  tooManyCounterparts: {
    code: 'DM-9007',
    kind: 'validation',
    es: 'Para {contexto} el SAT admite como máximo {maximo} RfcContraparte; se recibieron {recibidos}.',
    en: 'For {contexto} SAT accepts at most {maximo} RfcContraparte; {recibidos} were given.',
  },
  cancelledXmlNotDownloadable: {
    code: 'DM-9008',
    kind: 'validation',
    es: 'El SAT no entrega XML de CFDI recibidos cancelados: para Recibidos con TipoSolicitud CFDI use EstadoComprobante Vigente, o pida Metadata.',
    en: 'SAT does not return the XML of cancelled received CFDI: for Recibidos with TipoSolicitud CFDI use EstadoComprobante Vigente, or ask for Metadata.',
  },
  solicitudNotFound: {
    code: 'DM-9009',
    kind: 'not-found',
    es: 'No existe la solicitud {idSolicitud}.',
    en: 'Solicitud {idSolicitud} does not exist.',
  },
  referenceReused: {
    code: 'DM-9010',
    kind: 'conflict',
    es: 'La ReferenciaCliente {referencia} ya se usó con otros parámetros.',
    en: 'ReferenciaCliente {referencia} was already used with different parameters.',
  },
  contribuyenteWithoutFiel: {
    code: 'DM-9011',
    kind: 'validation',
    es: 'El RFC {rfc} no tiene una e.firma (FIEL) vigente registrada en esta cuenta.',
    en: 'RFC {rfc} has no valid e.firma (FIEL) registered in this account.',
  },
  paqueteNotFound: {
    code: 'DM-9012',
    kind: 'not-found',
    es: 'La solicitud {idSolicitud} no tiene el paquete {idPaquete}.',
    en: 'Solicitud {idSolicitud} has no package {idPaquete}.',
  },
  paqueteNotStored: {
    code: 'DM-9013',
    kind: 'conflict',
    es: 'El paquete {idPaquete} aún no está almacenado (estado {estado}).',
    en: 'Package {idPaquete} is not stored yet (state {estado}).',
    transient: true,
  },
  satTryLater: {
    code: 'DM-9014',
    kind: 'external',
    es: 'El SAT pidió reintentar más tarde (código {satCode}: {mensaje}).',
    en: 'SAT asked to try again later (code {satCode}: {mensaje}).',
    transient: true,
  },
  complementoUnknown: {
    code: 'DM-9015',
    kind: 'validation',
    es: 'El Complemento "{complemento}" no está en el catálogo del SAT para {tipoDocumento}.',
    en: 'Complemento "{complemento}" is not in SAT’s catalogue for {tipoDocumento}.',
  },
  filterNotForRetenciones: {
    code: 'DM-9016',
    kind: 'validation',
    es: 'El filtro {field} no aplica a Retenciones (un documento de retenciones no tiene ese dato).',
    en: 'Filter {field} does not apply to Retenciones (a Retenciones document has no such data).',
  },
  cfdiNotFound: {
    code: 'DM-9017',
    kind: 'not-found',
    es: 'No hay un CFDI con UUID {uuid} en los datos descargados de esta cuenta.',
    en: 'There is no CFDI with UUID {uuid} in the data downloaded for this account.',
  },
  cfdiXmlNotHeld: {
    code: 'DM-9018',
    kind: 'conflict',
    es: 'Del CFDI {uuid} solo se tiene la metadata; registre una solicitud de tipo CFDI que lo cubra para obtener su XML.',
    en: 'Only the metadata of CFDI {uuid} is held; register a CFDI solicitud covering it to get its XML.',
  },
  cfdiEntryUnreadable: {
    code: 'DM-9019',
    kind: 'internal',
    es: 'El XML del CFDI {uuid} no se pudo leer de su paquete ({detail}).',
    en: 'The XML of CFDI {uuid} could not be read from its package ({detail}).',
  },
  cfdiExportTooLarge: {
    code: 'DM-9020',
    kind: 'validation',
    es: 'La búsqueda tiene {total} CFDI y una exportación llega hasta {max}; acótela (por ejemplo, por fechas) y exporte por partes.',
    en: 'The search has {total} CFDI and an export holds at most {max}; narrow it (by dates, for example) and export in parts.',
  },
  // 9030–9039: the quota-aware planner (SAT's lifetime and size limits).
  criteriaExhausted: {
    code: 'DM-9030',
    kind: 'conflict',
    es: 'El SAT ya recibió dos veces la misma solicitud ({criterio}) y rechazaría de por vida una tercera (código 5002), y no se puede pedir de otro modo (una solicitud por Uuid no tiene periodo que ampliar, o el periodo ya va del límite de seis años del SAT hasta hoy); no se envió. Use lo ya descargado.',
    en: 'SAT already received the identical request twice ({criterio}) and would refuse a third for life (code 5002), and it cannot be asked another way (a request by Uuid has no period to widen, or the period already runs from SAT’s six-year limit to today); it was not sent. Use what was already downloaded.',
  },
  periodTooDense: {
    code: 'DM-9031',
    kind: 'validation',
    es: 'El periodo no se puede dividir en solicitudes que quepan en el límite del SAT: el minuto que empieza {minuto} tiene {documentos} documentos y una solicitud de {tipoSolicitud} admite {maximo}.',
    en: 'The period cannot be split into requests within SAT’s limit: the minute starting {minuto} holds {documentos} documents and a {tipoSolicitud} request takes at most {maximo}.',
  },
  reconciliationRfcUnknown: {
    code: 'DM-9040',
    kind: 'not-found',
    es: 'Esta cuenta no tiene el RFC {rfc}: no hay descargas que conciliar.',
    en: 'This account has no RFC {rfc}: there are no downloads to reconcile.',
  },
  // 9050–9059: input hardening (period bounds, ranges).
  periodEndInFuture: {
    code: 'DM-9050',
    kind: 'validation',
    es: 'FechaFinal {fechaFinal} cae en un día futuro (hoy es {hoy} en la Ciudad de México): el SAT no acepta periodos que terminen en el futuro. Un FechaFinal de hoy posterior a la hora actual se toma hasta la hora actual.',
    en: 'FechaFinal {fechaFinal} falls on a future day (today is {hoy} in Mexico City): SAT does not accept periods ending in the future. A FechaFinal later today is taken up to the current time.',
  },
  rangeInverted: {
    code: 'DM-9051',
    kind: 'validation',
    es: '{field} ({desde}) es posterior a {campoHasta} ({hasta}): el intervalo está invertido.',
    en: '{field} ({desde}) is later than {campoHasta} ({hasta}): the range is inverted.',
  },
});
