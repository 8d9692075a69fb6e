/** SAT's namespaces, paths and messages, as the simulator answers them (its own copy: it is an oracle). */
export const NS = Object.freeze({
  soap: 'http://schemas.xmlsoap.org/soap/envelope/',
  wsu: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd',
  wsse: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd',
  dsig: 'http://www.w3.org/2000/09/xmldsig#',
  auth: 'http://DescargaMasivaTerceros.gob.mx',
  des: 'http://DescargaMasivaTerceros.sat.gob.mx',
});

export const PATHS = Object.freeze({
  autenticacion: '/Autenticacion/Autenticacion.svc',
  solicitud: '/SolicitaDescargaService.svc',
  verificacion: '/VerificaSolicitudDescargaService.svc',
  descarga: '/DescargaMasivaService.svc',
});

/** The SOAPAction of each operation, by the Body's operation element (quotes around it are optional). */
export const SOAP_ACTIONS: Readonly<Record<string, string>> = Object.freeze({
  Autentica: 'http://DescargaMasivaTerceros.gob.mx/IAutenticacion/Autentica',
  SolicitaDescargaEmitidos:
    'http://DescargaMasivaTerceros.sat.gob.mx/ISolicitaDescargaService/SolicitaDescargaEmitidos',
  SolicitaDescargaRecibidos:
    'http://DescargaMasivaTerceros.sat.gob.mx/ISolicitaDescargaService/SolicitaDescargaRecibidos',
  SolicitaDescargaFolio:
    'http://DescargaMasivaTerceros.sat.gob.mx/ISolicitaDescargaService/SolicitaDescargaFolio',
  VerificaSolicitudDescarga:
    'http://DescargaMasivaTerceros.sat.gob.mx/IVerificaSolicitudDescargaService/VerificaSolicitudDescarga',
  PeticionDescargaMasivaTercerosEntrada:
    'http://DescargaMasivaTerceros.sat.gob.mx/IDescargaMasivaTercerosService/Descargar',
});

export type Servicio = 'cfdi' | 'retenciones';
export type Operation = 'autenticacion' | 'solicitud' | 'verificacion' | 'descarga';

/** CodEstatus with SAT's own messages. */
export const MESSAGES: Readonly<Record<string, string>> = Object.freeze({
  '300': 'Usuario No Válido',
  '301': 'XML Mal Formado',
  '302': 'Sello Mal Formado',
  '303': 'Sello no corresponde con RfcSolicitante',
  '304': 'Certificado Revocado o Caduco',
  '305': 'Certificado Inválido',
  '404': 'Error no Controlado',
  '5000': 'Solicitud Aceptada',
  '5001': 'Tercero no autorizado',
  '5002': 'Se agotó las solicitudes de por vida',
  '5003': 'Tope máximo',
  '5004': 'No se encontró la información',
  '5005': 'Solicitud duplicada',
  '5007': 'No existe el paquete solicitado',
  '5008': 'Máximo de descargas permitidas',
  '5011': 'Límite de descargas por folio por día',
  '5012': 'No se permite la descarga de xml que se encuentren cancelados',
});

/** EstadoSolicitud numbers of VerificaSolicitudDescarga. */
export const ESTADO = Object.freeze({
  Aceptada: 1,
  EnProceso: 2,
  Terminada: 3,
  Error: 4,
  Rechazada: 5,
  Vencida: 6,
});
