import { Readable } from 'node:stream';
import { ZipFile } from 'yazl';
import type { CorpusDocument, CorpusPago } from './corpus';
import { escapeXml } from './xml';

const mexicoTime = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'America/Mexico_City',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** `yyyy-MM-dd HH:mm:ss`, Mexico City wall-clock time, as SAT writes dates in metadata. */
export function satDate(date: Date): string {
  return mexicoTime.format(date);
}

const TFD = 'http://www.sat.gob.mx/TimbreFiscalDigital';

function timbre(document: CorpusDocument): string {
  const timbrado = satDate(document.fechaCertificacion).replace(' ', 'T');
  return `<tfd:TimbreFiscalDigital xmlns:tfd="${TFD}" Version="1.1" UUID="${document.uuid}" FechaTimbrado="${timbrado}" RfcProvCertif="${document.rfcPac}"/>`;
}

function retencionesXml(document: CorpusDocument): string {
  const fecha = satDate(document.fechaEmision).replace(' ', 'T');
  const complemento =
    document.complemento === 'dividendos'
      ? `<dividendos:Dividendos xmlns:dividendos="http://www.sat.gob.mx/esquemas/retencionpago/1/dividendos" Version="1.0"/>`
      : document.complemento === 'intereses'
        ? `<intereses:Intereses xmlns:intereses="http://www.sat.gob.mx/esquemas/retencionpago/1/intereses" Version="1.0" SistFinanciero="SI" RetiroAORESRetInt="NO" OperFinancDerivad="NO" MontIntNominal="${document.monto}" MontIntReal="${document.monto}" Perdida="0"/>`
        : document.complemento === 'pagosaextranjeros'
          ? `<pagosaextranjeros:Pagosaextranjeros xmlns:pagosaextranjeros="http://www.sat.gob.mx/esquemas/retencionpago/1/pagosaextranjeros" Version="1.0" EsBenefEfectDelCobro="SI"/>`
          : '';
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<retenciones:Retenciones xmlns:retenciones="http://www.sat.gob.mx/esquemas/retencionpago/2" Version="2.0" ` +
    `FechaExp="${fecha}" CveRetenc="14" LugarExpRetenc="06000">` +
    `<retenciones:Emisor RfcE="${escapeXml(document.rfcEmisor)}" NomDenRazSocE="${escapeXml(document.nombreEmisor)}" RegimenFiscalE="601"/>` +
    `<retenciones:Receptor NacionalidadR="Nacional"><retenciones:Nacional RfcR="${escapeXml(document.rfcReceptor)}" NomDenRazSocR="${escapeXml(document.nombreReceptor)}" DomicilioFiscalR="06000"/></retenciones:Receptor>` +
    `<retenciones:Periodo MesIni="${fecha.slice(5, 7)}" MesFin="${fecha.slice(5, 7)}" Ejercicio="${fecha.slice(0, 4)}"/>` +
    `<retenciones:Totales MontoTotOperacion="${document.monto}" MontoTotGrav="${document.monto}" MontoTotExent="0.00" MontoTotRet="0.00"/>` +
    `<retenciones:Complemento>${complemento}${timbre(document)}</retenciones:Complemento>` +
    `</retenciones:Retenciones>`
  );
}

/** `yyyy-MM-ddTHH:mm:ss`, Mexico City wall clock, as CFDI date-times are written. */
function cfdiDate(date: Date): string {
  return satDate(date).replace(' ', 'T');
}

/**
 * The payment complement with every Pago and DoctoRelacionado the corpus decided: Pagos 2.0 (CFDI 4.0)
 * writes Totales, TipoCambioP="1" for MXN, EquivalenciaDR and ObjetoImpDR; Pagos 1.0 (CFDI 3.3)
 * leaves TipoCambioP out for MXN and writes MetodoDePagoDR, as each version's schema asks.
 */
function pagosXml(pagos: readonly CorpusPago[], version: '1.0' | '2.0'): string {
  const v2 = version === '2.0';
  const prefix = v2 ? 'pago20' : 'pago10';
  const namespace = v2 ? 'http://www.sat.gob.mx/Pagos20' : 'http://www.sat.gob.mx/Pagos';
  const body = pagos.map((pago) => {
    const tipoCambio = pago.tipoCambioP ?? (v2 ? '1' : undefined);
    const documentos = pago.documentos.map(
      (docto) =>
        `<${prefix}:DoctoRelacionado IdDocumento="${docto.idDocumento}" MonedaDR="${docto.monedaDR}"` +
        (v2 ? ' EquivalenciaDR="1"' : ' MetodoDePagoDR="PPD"') +
        ` NumParcialidad="${docto.numParcialidad}" ImpSaldoAnt="${docto.impSaldoAnt}" ImpPagado="${docto.impPagado}"` +
        ` ImpSaldoInsoluto="${docto.impSaldoInsoluto}"${v2 ? ' ObjetoImpDR="01"' : ''}/>`,
    );
    return (
      `<${prefix}:Pago FechaPago="${cfdiDate(pago.fechaPago)}" FormaDePagoP="${pago.formaDePagoP}" MonedaP="${pago.monedaP}"` +
      `${tipoCambio ? ` TipoCambioP="${tipoCambio}"` : ''} Monto="${pago.monto}">${documentos.join('')}</${prefix}:Pago>`
    );
  });
  // MontoTotalPagos is in MXN: each Monto at its TipoCambioP, in cents.
  const total = pagos.reduce(
    (sum, pago) => sum + Math.round(Number(pago.monto) * Number(pago.tipoCambioP ?? '1') * 100),
    0,
  );
  const totales = v2 ? `<${prefix}:Totales MontoTotalPagos="${(total / 100).toFixed(2)}"/>` : '';
  return `<${prefix}:Pagos xmlns:${prefix}="${namespace}" Version="${version}">${totales}${body.join('')}</${prefix}:Pagos>`;
}

/** The complement's root element, as an issuer's software writes it (enough for readers to find it). */
function cfdiComplemento(document: CorpusDocument, fecha: string): string {
  switch (document.complemento) {
    case 'pagos20':
      return pagosXml(document.pagos ?? [], '2.0');
    case 'pagos10':
      return pagosXml(document.pagos ?? [], '1.0');
    case 'nomina12':
      return `<nomina12:Nomina xmlns:nomina12="http://www.sat.gob.mx/nomina12" Version="1.2" TipoNomina="O" FechaPago="${fecha.slice(0, 10)}" NumDiasPagados="15" TotalPercepciones="${document.monto}"/>`;
    case 'comercioexterior11':
      return `<cce11:ComercioExterior xmlns:cce11="http://www.sat.gob.mx/ComercioExterior11" Version="1.1" TipoOperacion="2" Incoterm="FOB" TotalUSD="${document.monto}"/>`;
    case 'cartaporte20':
      return `<cartaporte20:CartaPorte xmlns:cartaporte20="http://www.sat.gob.mx/CartaPorte20" Version="2.0" TranspInternac="No"/>`;
    default:
      return '';
  }
}

function cfdiXml(document: CorpusDocument): string {
  if (document.servicio === 'retenciones') return retencionesXml(document);
  const fecha = satDate(document.fechaEmision).replace(' ', 'T');
  const v4 = document.version === '4.0';
  const namespace = v4 ? 'http://www.sat.gob.mx/cfd/4' : 'http://www.sat.gob.mx/cfd/3';
  const receptor = v4
    ? `<cfdi:Receptor Rfc="${escapeXml(document.rfcReceptor)}" Nombre="${escapeXml(document.nombreReceptor)}" DomicilioFiscalReceptor="06000" RegimenFiscalReceptor="601" UsoCFDI="G03"/>`
    : `<cfdi:Receptor Rfc="${escapeXml(document.rfcReceptor)}" Nombre="${escapeXml(document.nombreReceptor)}" UsoCFDI="G03"/>`;
  const terceros =
    v4 && document.rfcACuentaTerceros
      ? `<cfdi:ACuentaTerceros RfcACuentaTerceros="${document.rfcACuentaTerceros}" NombreACuentaTerceros="${escapeXml(document.nombreACuentaTerceros ?? '')}" RegimenFiscalACuentaTerceros="601" DomicilioFiscalACuentaTerceros="06000"/>`
      : '';
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<cfdi:Comprobante xmlns:cfdi="${namespace}" Version="${document.version}" Fecha="${fecha}" ` +
    `SubTotal="${document.monto}" Moneda="${document.moneda}" Total="${document.monto}" ` +
    `TipoDeComprobante="${document.efecto}"${v4 ? ' Exportacion="01"' : ''} LugarExpedicion="06000">` +
    `<cfdi:Emisor Rfc="${escapeXml(document.rfcEmisor)}" Nombre="${escapeXml(document.nombreEmisor)}" RegimenFiscal="601"/>` +
    receptor +
    `<cfdi:Conceptos><cfdi:Concepto ClaveProdServ="01010101" Cantidad="1" ClaveUnidad="ACT" Descripcion="Servicio" ValorUnitario="${document.monto}" Importe="${document.monto}"${v4 ? ' ObjetoImp="01"' : ''}>${terceros}</cfdi:Concepto></cfdi:Conceptos>` +
    `<cfdi:Complemento>${cfdiComplemento(document, fecha)}${timbre(document)}</cfdi:Complemento>` +
    `</cfdi:Comprobante>`
  );
}

export const METADATA_HEADER =
  'Uuid~RfcEmisor~NombreEmisor~RfcReceptor~NombreReceptor~RfcPac~FechaEmision~FechaCertificacionSat~Monto~EfectoComprobante~Estatus~FechaCancelacion';
export const TERCEROS_HEADER = 'Uuid~RfcACuentaTerceros~NombreACuentaTerceros';

/**
 * The anomalies of real metadata files, made on purpose when the quirks switch is on: a CR in a name
 * that SAT writes as a bare LF, an empty name, blank lines, and no line terminator after the last row.
 */
function quirky(document: CorpusDocument, row: number): { nombreEmisor: string; nombreReceptor: string } {
  if (row % 7 === 3) return { nombreEmisor: '', nombreReceptor: document.nombreReceptor };
  if (row % 7 === 5) {
    const words = document.nombreEmisor.split(' ');
    const cut = Math.max(1, Math.floor(words.length / 2));
    return {
      nombreEmisor: `${words.slice(0, cut).join(' ')}\n${words.slice(cut).join(' ')}`,
      nombreReceptor: document.nombreReceptor,
    };
  }
  return { nombreEmisor: document.nombreEmisor, nombreReceptor: document.nombreReceptor };
}

function metadataLine(document: CorpusDocument, row: number, quirks: boolean): string {
  const names = quirks ? quirky(document, row) : document;
  return [
    document.uuid,
    document.rfcEmisor,
    names.nombreEmisor,
    document.rfcReceptor,
    names.nombreReceptor,
    document.rfcPac,
    satDate(document.fechaEmision),
    satDate(document.fechaCertificacion),
    document.monto,
    document.efecto,
    document.vigente ? '1' : '0',
    // An empty FechaCancelacion leaves the row ending in `~`, as SAT's files do.
    document.fechaCancelacion ? satDate(document.fechaCancelacion) : '',
  ].join('~');
}

async function* metadataText(
  documents: Iterable<CorpusDocument>,
  quirks: boolean,
  header: boolean,
): AsyncGenerator<string> {
  if (header) yield METADATA_HEADER;
  let row = 0;
  let batch = '';
  for (const document of documents) {
    row += 1;
    // Every line but the file's first starts with the CRLF that ends the one before.
    batch += `${header || row > 1 ? '\r\n' : ''}${metadataLine(document, row, quirks)}`;
    if (quirks && row % 11 === 4) batch += '\r\n';
    if (batch.length > 64 * 1024) {
      yield batch;
      batch = '';
    }
  }
  yield batch;
  if (!quirks) yield '\r\n';
}

async function* tercerosText(documents: Iterable<CorpusDocument>): AsyncGenerator<string> {
  yield TERCEROS_HEADER;
  for (const document of documents)
    if (document.rfcACuentaTerceros)
      yield `\r\n${document.uuid}~${document.rfcACuentaTerceros}~${document.nombreACuentaTerceros ?? ''}`;
  yield '\r\n';
}

/** Windows-1252's bytes 0x80–0x9F; the rest of its upper half is Latin-1. */
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';

/** Text as Windows-1252 bytes (what a legacy export writes); a character it lacks becomes `?`. */
export function windows1252(text: string): Buffer {
  const bytes = Buffer.alloc(text.length);
  let length = 0;
  for (const character of text) {
    const code = character.codePointAt(0) ?? 0x3f;
    const high = CP1252_HIGH.indexOf(character);
    bytes[length] = code < 0x80 || (code >= 0xa0 && code <= 0xff) ? code : high >= 0 ? 0x80 + high : 0x3f;
    length += 1;
  }
  return bytes.subarray(0, length);
}

async function* encoded(text: AsyncIterable<string>, encoding: MetadataEncoding): AsyncGenerator<Buffer> {
  for await (const piece of text)
    yield encoding === 'windows-1252' ? windows1252(piece) : Buffer.from(piece, 'utf8');
}

export type MetadataEncoding = 'utf-8' | 'windows-1252';

export interface PackageContents {
  readonly idPaquete: string;
  readonly kind: 'CFDI' | 'Metadata';
  /** Produces the package's documents again on each call (entries are written one after another). */
  readonly documents: () => Iterable<CorpusDocument>;
  readonly quirks: boolean;
  /** Metadata only: false leaves the header line out of the `.txt` (rows only). Default true. */
  readonly metadataHeader?: boolean;
  /** Metadata only: the encoding of the `.txt` files (SAT's is UTF-8 without BOM). */
  readonly metadataEncoding?: MetadataEncoding;
}

/**
 * A package as SAT builds it, zipped as it is read: one `<uuid>.xml` per document, or the metadata
 * text `<IdSolicitud>-NNNN.txt` with third parties in `<IdSolicitud>_tercero.txt`. Each entry's
 * content is produced when the ZIP writer reaches it, so a package never sits whole in memory.
 */
export function buildPackage(contents: PackageContents): Readable {
  const zip = new ZipFile();
  const [idSolicitud = contents.idPaquete, number = '1'] = contents.idPaquete.split('_');
  if (contents.kind === 'Metadata') {
    const encoding = contents.metadataEncoding ?? 'utf-8';
    const text = metadataText(contents.documents(), contents.quirks, contents.metadataHeader ?? true);
    zip.addReadStream(
      Readable.from(encoded(text, encoding)),
      `${idSolicitud}-${number.padStart(4, '0')}.txt`,
    );
    let terceros = false;
    for (const document of contents.documents()) if ((terceros ||= !!document.rfcACuentaTerceros)) break;
    if (terceros)
      zip.addReadStream(
        Readable.from(encoded(tercerosText(contents.documents()), encoding)),
        `${idSolicitud}_tercero.txt`,
      );
  } else {
    for (const document of contents.documents()) {
      const lazy = Readable.from(
        (function* () {
          yield Buffer.from(cfdiXml(document), 'utf8');
        })(),
      );
      zip.addReadStream(lazy, `${document.uuid.toLowerCase()}.xml`);
    }
  }
  zip.end();
  return zip.outputStream as Readable;
}
