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
});
