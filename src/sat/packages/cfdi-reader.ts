import type { Readable } from 'node:stream';
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { UUID_PATTERN } from '../shared/catalogues';
import { PagosCollector, type PagoComplemento } from './pagos-complement';
import { xmlDecoder, type EncodingFallback, type EntryDecoder } from './text-decoding';
import { rootEntries, type PackageEntry } from './zip-entries';

/** The header of one CFDI or Retenciones document: what an index needs to find and list it. */
export interface CfdiHeader {
  readonly uuid: string;
  readonly tipoDocumento: 'CFDI' | 'Retenciones';
  readonly version: string;
  /** I, E, T, N, P (CFDI 3.2's ingreso/egreso/traslado mapped); empty for Retenciones. */
  readonly tipoComprobante: string;
  readonly serie: string;
  readonly folio: string;
  /** Issue date-time as written (CFDI `Fecha`, Retenciones `FechaExp`). */
  readonly fecha: string;
  readonly fechaTimbrado: string;
  readonly rfcEmisor: string;
  readonly nombreEmisor: string;
  readonly rfcReceptor: string;
  readonly nombreReceptor: string;
  /** CFDI `Total`; Retenciones `MontoTotOperacion`. */
  readonly total: string;
  readonly moneda: string;
  /**
   * The rest of the CFDI's header, as written (empty when absent, and for Retenciones): 3.2's free-text
   * `metodoDePago`/`formaDePago` are read as MetodoPago/FormaPago; `UsoCFDI` is the Receptor's (3.3+).
   */
  readonly subTotal: string;
  readonly descuento: string;
  readonly tipoCambio: string;
  readonly metodoPago: string;
  readonly formaPago: string;
  readonly usoCfdi: string;
  readonly lugarExpedicion: string;
  /** Local names of the elements inside the document's `Complemento` (TimbreFiscalDigital, Pagos…), once each. */
  readonly complementos: readonly string[];
  /** Each `Pago` of the payment complement (Pagos 1.0 or 2.0), when the document carries one. */
  readonly pagos?: readonly PagoComplemento[];
}

export type CfdiEvent =
  | {
      readonly kind: 'document';
      readonly entry: PackageEntry;
      readonly document: CfdiHeader;
      /** Set when the XML was not UTF-8 and was read as Windows-1252 from this byte on. */
      readonly fallback?: Readonly<EncodingFallback>;
    }
  | { readonly kind: 'problem'; readonly entry: PackageEntry; readonly reason: string };

/** An XML prolog fits in this; the decoder is chosen once it is read (or the document ended). */
const PROLOG_BYTES = 512;

/** No CFDI comes near this; an entry past it is not read into the index. */
const MAX_DOCUMENT_BYTES = 50 * 1024 * 1024;
const TIPO_32: Readonly<Record<string, string>> = { ingreso: 'I', egreso: 'E', traslado: 'T' };

type Attributes = Readonly<Record<string, string>>;

/** Attributes by lower-case local name: CFDI 3.2 wrote `rfc`, 3.3+ `Rfc`, Retenciones 1.0 `RFCEmisor`. */
function attributesOf(tag: SaxesTagNS): Attributes {
  const result: Record<string, string> = {};
  for (const attribute of Object.values(tag.attributes))
    result[attribute.local.toLowerCase()] = attribute.value;
  return result;
}

function pick(attributes: Attributes | undefined, ...names: string[]): string {
  for (const name of names) {
    const value = attributes?.[name];
    if (value !== undefined) return value.trim();
  }
  return '';
}

/**
 * Reads the elements an index needs from one XML document, streaming, so memory stays at one
 * element whatever the document's size. The UUID is the TimbreFiscalDigital's inside Complemento,
 * never the first UUID attribute (CfdiRelacionado has one too). Answers the header, or why the
 * document has none.
 */
export async function readCfdiHeader(content: Readable): Promise<CfdiHeader | string> {
  return (await readCfdiDocument(content)).header;
}

/**
 * `readCfdiHeader`, saying also how the bytes became text: as the prolog declares (ISO-8859-1…), else
 * UTF-8, and Windows-1252 from the first byte that is not (`fallback`).
 */
async function readCfdiDocument(
  content: Readable,
): Promise<{ header: CfdiHeader | string; fallback: EncodingFallback | undefined }> {
  let chosen: EntryDecoder | undefined;
  const header = await parseCfdi(content, (firstBytes) => (chosen = xmlDecoder(firstBytes)));
  return { header, fallback: chosen?.fallback };
}

/** The parse itself; `chooseDecoder` is called once, with the document's first bytes (its prolog). */
async function parseCfdi(
  content: Readable,
  chooseDecoder: (firstBytes: Buffer) => EntryDecoder,
): Promise<CfdiHeader | string> {
  const parser = new SaxesParser({ xmlns: true });
  const seen: Record<string, Attributes> = {};
  const path: string[] = [];
  let failure: string | undefined;
  let rootName = '';
  const pagos = new PagosCollector();
  const complementos = new Set<string>();
  parser.on('opentag', (tag) => {
    const name = tag.local;
    const parent = path[path.length - 1];
    // The document's own complements: children of the root's Complemento (not a concept's).
    if (path.length === 2 && parent === 'Complemento') complementos.add(name);
    if (path.length === 0) {
      rootName = name;
      seen.root = attributesOf(tag);
    } else if (path.length === 1 && (name === 'Emisor' || name === 'Receptor' || name === 'Totales'))
      seen[name] = attributesOf(tag);
    else if (parent === 'Receptor' && (name === 'Nacional' || name === 'Extranjero'))
      seen.receptorDetalle = attributesOf(tag);
    else if (name === 'TimbreFiscalDigital' && path.includes('Complemento') && !seen.tfd)
      seen.tfd = attributesOf(tag);
    else pagos.open(tag, path.includes('Complemento'));
    if (path.length === 0) path.push(name);
    else if (!tag.isSelfClosing) path.push(name);
  });
  parser.on('closetag', (tag) => {
    if (!tag.isSelfClosing) path.pop();
  });
  parser.on('error', (error) => {
    failure ??= `not well-formed XML (${error.message.split('\n')[0] ?? ''})`;
  });
  let decoder: EntryDecoder | undefined;
  let prolog: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of content) {
    bytes += (chunk as Buffer).length;
    if (bytes > MAX_DOCUMENT_BYTES) {
      content.destroy();
      return 'larger than 50 MB';
    }
    if (failure) continue;
    let data = chunk as Buffer;
    if (!decoder) {
      prolog.push(data);
      data = Buffer.concat(prolog);
      if (data.length < PROLOG_BYTES && !data.includes('?>')) continue;
      decoder = chooseDecoder(data);
      prolog = [];
    }
    parser.write(decoder.write(data));
  }
  if (!failure) {
    // A document shorter than a prolog: its decoder is chosen now, from all of it.
    decoder ??= chooseDecoder(Buffer.concat(prolog));
    parser.write(decoder.write(Buffer.concat(prolog)));
    parser.write(decoder.end());
    try {
      parser.close();
    } catch (error) {
      failure = `not well-formed XML (${error instanceof Error ? error.message : String(error)})`;
    }
  }
  if (failure) return failure;
  if (rootName !== 'Comprobante' && rootName !== 'Retenciones')
    return `root element ${rootName || '(none)'} is neither Comprobante nor Retenciones`;
  const uuid = pick(seen.tfd, 'uuid');
  if (!UUID_PATTERN.test(uuid)) return 'no TimbreFiscalDigital UUID inside Complemento';
  const retenciones = rootName === 'Retenciones';
  const root = seen.root;
  const receptor = retenciones ? seen.receptorDetalle : seen.Receptor;
  const tipo = pick(root, 'tipodecomprobante');
  const pagosFound = retenciones ? undefined : pagos.result();
  return {
    uuid: uuid.toLowerCase(),
    tipoDocumento: retenciones ? 'Retenciones' : 'CFDI',
    version: pick(root, 'version'),
    tipoComprobante: retenciones ? '' : (TIPO_32[tipo.toLowerCase()] ?? tipo),
    serie: pick(root, 'serie'),
    folio: pick(root, 'folio', 'folioint'),
    fecha: pick(root, retenciones ? 'fechaexp' : 'fecha'),
    fechaTimbrado: pick(seen.tfd, 'fechatimbrado'),
    rfcEmisor: pick(seen.Emisor, 'rfc', 'rfce', 'rfcemisor').toUpperCase(),
    nombreEmisor: pick(seen.Emisor, 'nombre', 'nomdenrazsoce'),
    rfcReceptor: pick(receptor, 'rfc', 'rfcr', 'rfcrecep').toUpperCase(),
    nombreReceptor: pick(receptor, 'nombre', 'nomdenrazsocr'),
    total: retenciones ? pick(seen.Totales, 'montototoperacion') : pick(root, 'total'),
    moneda: retenciones ? '' : pick(root, 'moneda'),
    subTotal: retenciones ? '' : pick(root, 'subtotal'),
    descuento: retenciones ? '' : pick(root, 'descuento'),
    tipoCambio: retenciones ? '' : pick(root, 'tipocambio'),
    metodoPago: retenciones ? '' : pick(root, 'metodopago', 'metododepago'),
    formaPago: retenciones ? '' : pick(root, 'formapago', 'formadepago'),
    usoCfdi: retenciones ? '' : pick(receptor, 'usocfdi'),
    lugarExpedicion: retenciones ? '' : pick(root, 'lugarexpedicion'),
    complementos: [...complementos],
    ...(pagosFound ? { pagos: pagosFound } : {}),
  };
}

/**
 * Reads a CFDI (or Retenciones) package entry by entry: every root `*.xml` (SAT also writes
 * `.xml.xml`) becomes a document header with the entry's location, or a problem saying why not.
 */
export async function* readCfdiPackage(file: string, idPaquete = file): AsyncGenerator<CfdiEvent> {
  for await (const { entry, content } of rootEntries(file, idPaquete)) {
    if (!entry.name.toLowerCase().endsWith('.xml')) {
      content.resume();
      continue;
    }
    const { header, fallback } = await readCfdiDocument(content);
    if (typeof header === 'string') yield { kind: 'problem', entry, reason: header };
    else
      yield { kind: 'document', entry, document: header, ...(fallback ? { fallback: { ...fallback } } : {}) };
  }
}
