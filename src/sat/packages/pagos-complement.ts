import type { SaxesTagNS } from 'saxes';

/** The payment complement's versions, by the namespace its elements are written in. */
const PAGOS_NAMESPACES: Readonly<Record<string, '1.0' | '2.0'>> = {
  'http://www.sat.gob.mx/Pagos': '1.0',
  'http://www.sat.gob.mx/Pagos20': '2.0',
};

/**
 * One `DoctoRelacionado`: the invoice a payment settles, as written. Absent attributes are ''.
 * IdDocumento is lower-cased (SAT's samples mix cases; a UUID is the same in any).
 */
export interface DoctoRelacionadoComplemento {
  readonly idDocumento: string;
  readonly serie: string;
  readonly folio: string;
  readonly monedaDR: string;
  /** Pagos 2.0 only: units of MonedaDR per unit of MonedaP. */
  readonly equivalenciaDR: string;
  /** Pagos 1.0 only: the same relation under its former name. */
  readonly tipoCambioDR: string;
  readonly numParcialidad: string;
  readonly impSaldoAnt: string;
  readonly impPagado: string;
  readonly impSaldoInsoluto: string;
}

/** One `Pago` of a payment complement (1.0 or 2.0) and the documents it settles, as written. */
export interface PagoComplemento {
  readonly version: '1.0' | '2.0';
  readonly fechaPago: string;
  readonly formaDePagoP: string;
  readonly monedaP: string;
  readonly tipoCambioP: string;
  readonly monto: string;
  readonly documentos: readonly DoctoRelacionadoComplemento[];
}

type Attributes = Readonly<Record<string, string>>;

/** Attributes by lower-case local name, trimmed: what the header reader does too. */
function attributesOf(tag: SaxesTagNS): Attributes {
  const result: Record<string, string> = {};
  for (const attribute of Object.values(tag.attributes))
    result[attribute.local.toLowerCase()] = attribute.value.trim();
  return result;
}

interface OpenPago {
  readonly version: '1.0' | '2.0';
  readonly attributes: Attributes;
  readonly documentos: DoctoRelacionadoComplemento[];
}

/**
 * Collects the payment complement from the opening tags of the one streaming parse that reads a
 * CFDI's header, so the XML is read once. Elements are recognised by the complement's namespace
 * (never by prefix, which issuers choose) and only inside `Complemento`: an addenda may reuse the
 * names. A `DoctoRelacionado` belongs to the `Pago` opened last, which is its parent in document order.
 */
export class PagosCollector {
  private readonly pagos: OpenPago[] = [];
  private found = false;

  /** `insideComplemento`: an ancestor of the tag is the CFDI's `Complemento`. */
  open(tag: SaxesTagNS, insideComplemento: boolean): void {
    const version = PAGOS_NAMESPACES[tag.uri];
    if (!version || !insideComplemento) return;
    if (tag.local === 'Pagos') this.found = true;
    else if (tag.local === 'Pago')
      this.pagos.push({ version, attributes: attributesOf(tag), documentos: [] });
    else if (tag.local === 'DoctoRelacionado') this.pagos.at(-1)?.documentos.push(doctoRelacionado(tag));
  }

  /** The complement's payments, or undefined when the document carries no payment complement. */
  result(): PagoComplemento[] | undefined {
    if (!this.found) return undefined;
    return this.pagos.map(({ version, attributes, documentos }) => ({
      version,
      fechaPago: attributes.fechapago ?? '',
      formaDePagoP: attributes.formadepagop ?? '',
      monedaP: attributes.monedap ?? '',
      tipoCambioP: attributes.tipocambiop ?? '',
      monto: attributes.monto ?? '',
      documentos,
    }));
  }
}

function doctoRelacionado(tag: SaxesTagNS): DoctoRelacionadoComplemento {
  const attributes = attributesOf(tag);
  return {
    idDocumento: (attributes.iddocumento ?? '').toLowerCase(),
    serie: attributes.serie ?? '',
    folio: attributes.folio ?? '',
    monedaDR: attributes.monedadr ?? '',
    equivalenciaDR: attributes.equivalenciadr ?? '',
    tipoCambioDR: attributes.tipocambiodr ?? '',
    numParcialidad: attributes.numparcialidad ?? '',
    impSaldoAnt: attributes.impsaldoant ?? '',
    impPagado: attributes.imppagado ?? '',
    impSaldoInsoluto: attributes.impsaldoinsoluto ?? '',
  };
}
