import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { UUID_PATTERN } from '../shared/catalogues';
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
}

export type CfdiEvent =
  | { readonly kind: 'document'; readonly entry: PackageEntry; readonly document: CfdiHeader }
  | { readonly kind: 'problem'; readonly entry: PackageEntry; readonly reason: string };

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
  const parser = new SaxesParser({ xmlns: true });
  const seen: Record<string, Attributes> = {};
  const path: string[] = [];
  let failure: string | undefined;
  let rootName = '';
  parser.on('opentag', (tag) => {
    const name = tag.local;
    const parent = path[path.length - 1];
    if (path.length === 0) {
      rootName = name;
      seen.root = attributesOf(tag);
    } else if (path.length === 1 && (name === 'Emisor' || name === 'Receptor' || name === 'Totales'))
      seen[name] = attributesOf(tag);
    else if (parent === 'Receptor' && (name === 'Nacional' || name === 'Extranjero'))
      seen.receptorDetalle = attributesOf(tag);
    else if (name === 'TimbreFiscalDigital' && path.includes('Complemento') && !seen.tfd)
      seen.tfd = attributesOf(tag);
    if (path.length === 0) path.push(name);
    else if (!tag.isSelfClosing) path.push(name);
  });
  parser.on('closetag', (tag) => {
    if (!tag.isSelfClosing) path.pop();
  });
  parser.on('error', (error) => {
    failure ??= `not well-formed XML (${error.message.split('\n')[0] ?? ''})`;
  });
  const decoder = new StringDecoder('utf8');
  let bytes = 0;
  for await (const chunk of content) {
    bytes += (chunk as Buffer).length;
    if (bytes > MAX_DOCUMENT_BYTES) {
      content.destroy();
      return 'larger than 50 MB';
    }
    if (!failure) parser.write(decoder.write(chunk as Buffer));
  }
  if (!failure) {
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
    const header = await readCfdiHeader(content);
    if (typeof header === 'string') yield { kind: 'problem', entry, reason: header };
    else yield { kind: 'document', entry, document: header };
  }
}
