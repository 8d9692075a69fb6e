/** MYSuite RequestTransaction envelopes written by hand, for tests that need control of every byte. */

export const MYSUITE_PATH = '/mx.com.fact.wsfront/FactWSFront.asmx';
export const MYSUITE_NS = 'http://www.fact.com.mx/schema/ws';
export const SOAP11_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
export const SOAP12_NS = 'http://www.w3.org/2003/05/soap-envelope';
export const DEMO_REQUESTOR = '11111111-2222-3333-4444-555555555555';
export const DEMO_RFC = 'EKU9003173C9';

export const SOAP11_HEADERS = Object.freeze({
  'Content-Type': 'text/xml; charset=utf-8',
  SOAPAction: `"${MYSUITE_NS}/RequestTransaction"`,
});
export const SOAP12_HEADERS = Object.freeze({
  'Content-Type': `application/soap+xml; charset=utf-8; action="${MYSUITE_NS}/RequestTransaction"`,
});

export function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** `Data1`: Base64 of `<Dictionary name="Params"><Entry k v/>...</Dictionary>`. */
export function dictionary(entries: Readonly<Record<string, string>>): string {
  const body = Object.entries(entries)
    .map(([k, v]) => `<Entry k="${k}" v="${v.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"/>`)
    .join('');
  return base64(`<Dictionary name="Params">${body}</Dictionary>`);
}

export interface TransactionFields {
  readonly requestor?: string;
  readonly transaction?: string;
  readonly entity?: string;
  readonly data1?: string;
}

/** The RequestTransaction's children, Requestor first as the WSDL's sequence has it. */
export function transactionFields(fields: TransactionFields): string {
  return (
    (fields.requestor === undefined ? '' : `<Requestor>${fields.requestor}</Requestor>`) +
    `<Transaction>${fields.transaction ?? 'OBTENER_LISTA_SOLICITUDES_DM_SAT'}</Transaction>` +
    `<Country>MX</Country><Entity>${fields.entity ?? DEMO_RFC}</Entity><User>${DEMO_REQUESTOR}</User>` +
    `<UserName>prueba</UserName><Data1>${fields.data1 ?? dictionary({ Oper: 'COUNT' })}</Data1>`
  );
}

export function transactionEnvelope(fields: TransactionFields, version: '1.1' | '1.2' = '1.1'): string {
  return (
    `<soap:Envelope xmlns:soap="${version === '1.1' ? SOAP11_NS : SOAP12_NS}"><soap:Body>` +
    `<RequestTransaction xmlns="${MYSUITE_NS}">${transactionFields(fields)}</RequestTransaction>` +
    '</soap:Body></soap:Envelope>'
  );
}

/** The in-band `Response/Code` of an answer, if it has one. */
export function inBandCode(body: string): string | undefined {
  return /<(?:\w+:)?Code>(-?\d+)<\/(?:\w+:)?Code>/.exec(body)?.[1];
}

export function inBandDescription(body: string): string | undefined {
  return /<(?:\w+:)?Description>([^<]*)<\/(?:\w+:)?Description>/.exec(body)?.[1];
}

/** The `Codigo` inside a Fault's detail, if the answer is one. */
export function faultCode(body: string): string | undefined {
  return /<(?:\w+:)?Codigo>([^<]*)<\/(?:\w+:)?Codigo>/.exec(body)?.[1];
}
