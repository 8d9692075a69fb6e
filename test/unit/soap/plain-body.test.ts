import { AppError } from '../../../src/errors';
import { inspectEnvelope, withoutHeader } from '../../../src/soap/infra/envelope-inspector';
import { SoapDispatcher } from '../../../src/soap/infra/soap-dispatcher';
import type { LoadedWsdl } from '../../../src/soap/infra/wsdl-loader';
import { V1_NAMESPACE as V1, loadV1Wsdl, v1CallContext } from '../../helpers/v1-wsdl';

const S11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const UUID = '6f1c6e2a-52a4-4d7e-9a43-0d7f2b1e9c11';
const HOT_READS = ['RecuperarSolicitud', 'RecuperarListaSolicitudes'];

interface Case {
  readonly name: string;
  readonly operation: string;
  /** The Body's content, whole (the operation element included). */
  readonly body: string;
  /** Whether the inspector reads it (true) or leaves it to node-soap (false). */
  readonly plain: boolean;
}

const op = (operation: string, inner: string, attributes = ''): string =>
  `<dm:${operation}${attributes}>${inner}</dm:${operation}>`;
const solicitud = (inner: string, plain: boolean, name: string): Case => ({
  name,
  operation: 'RecuperarSolicitud',
  body: op('RecuperarSolicitud', inner),
  plain,
});
const lista = (inner: string, plain: boolean, name: string): Case => ({
  name,
  operation: 'RecuperarListaSolicitudes',
  body: op('RecuperarListaSolicitudes', inner),
  plain,
});

const CASES: readonly Case[] = [
  solicitud(`<dm:IdSolicitud>${UUID}</dm:IdSolicitud>`, true, 'one qualified field'),
  solicitud(`\n  <dm:IdSolicitud>\n   ${UUID}  </dm:IdSolicitud>\n`, true, 'whitespace around and inside'),
  solicitud('<dm:IdSolicitud>a&amp;b&#x41;&lt;ñ😀</dm:IdSolicitud>', true, 'entities and characters'),
  solicitud('', true, 'no field at all'),
  solicitud('   ', true, 'only whitespace'),
  {
    name: 'a default namespace instead of a prefix',
    operation: 'RecuperarSolicitud',
    body: `<RecuperarSolicitud xmlns="${V1}"><IdSolicitud>${UUID}</IdSolicitud></RecuperarSolicitud>`,
    plain: true,
  },
  solicitud(`<IdSolicitud>${UUID}</IdSolicitud>`, false, 'an unqualified field'),
  solicitud(
    `<x:IdSolicitud xmlns:x="urn:otro">${UUID}</x:IdSolicitud>`,
    false,
    'a field of another namespace',
  ),
  solicitud('<dm:IdSolicitud/>', false, 'an empty field'),
  solicitud('<dm:IdSolicitud>  </dm:IdSolicitud>', false, 'a whitespace-only field'),
  solicitud(`<dm:IdSolicitud xmlns:xsi="${XSI}" xsi:nil="true"/>`, false, 'xsi:nil (an attribute)'),
  solicitud(`<dm:IdSolicitud id="a">${UUID}</dm:IdSolicitud>`, false, 'a plain attribute'),
  solicitud(`<dm:IdSolicitud>${UUID}<!-- c --></dm:IdSolicitud>`, false, 'a comment'),
  solicitud(`<dm:IdSolicitud><![CDATA[${UUID}]]></dm:IdSolicitud>`, false, 'CDATA'),
  solicitud(`<dm:IdSolicitud>${UUID}</dm:IdSolicitud><?pi x?>`, false, 'a processing instruction'),
  solicitud(`<dm:IdSolicitud>a\r\nb</dm:IdSolicitud>`, false, 'a carriage return'),
  solicitud(`texto<dm:IdSolicitud>${UUID}</dm:IdSolicitud>`, false, 'text beside the fields'),
  solicitud(
    `<dm:IdSolicitud>${UUID}</dm:IdSolicitud><dm:IdSolicitud>${UUID}</dm:IdSolicitud>`,
    true,
    'a field twice',
  ),
  solicitud(
    `<dm:IdSolicitud>${UUID}</dm:IdSolicitud><dm:Otro>1</dm:Otro>`,
    true,
    'a field the contract lacks',
  ),
  solicitud('<dm:toString>1</dm:toString>', false, 'a name Object.prototype has'),
  solicitud(`<dm:IdSolicitud><dm:Dentro>1</dm:Dentro></dm:IdSolicitud>`, true, 'elements where a value goes'),
  solicitud(`<dm:IdSolicitud>x<dm:Dentro>1</dm:Dentro></dm:IdSolicitud>`, false, 'mixed content'),
  lista(
    '<dm:Filtro><dm:Rfc>EKU9003173C9</dm:Rfc><dm:Estado>Completada</dm:Estado><dm:Contexto>Emitidos</dm:Contexto></dm:Filtro>' +
      '<dm:Orden><dm:Campo>FechaRegistro</dm:Campo><dm:Direccion>Desc</dm:Direccion></dm:Orden>' +
      '<dm:Pagina>2</dm:Pagina><dm:TamanoPagina>50</dm:TamanoPagina>',
    true,
    'a whole list query',
  ),
  lista(
    '<dm:Filtro><dm:Estado>completada</dm:Estado><dm:Estado>EnProceso</dm:Estado></dm:Filtro>',
    true,
    'a repeatable filter twice, in any case',
  ),
  lista('<dm:Filtro><dm:Rfc>A</dm:Rfc><dm:Rfc>B</dm:Rfc></dm:Filtro>', true, 'a single filter twice'),
  lista('<dm:Pagina>dos</dm:Pagina>', true, 'a page that is no number'),
  lista('<dm:Pagina> 0003 </dm:Pagina>', true, 'a padded page'),
  lista(
    '<dm:Filtro><dm:RegistradaDesde>2026-02-30T00:00:00</dm:RegistradaDesde></dm:Filtro>',
    true,
    'a date that does not exist',
  ),
  lista('<dm:Filtro>Rfc</dm:Filtro>', true, 'text where a group goes'),
  lista('<dm:Filtro/>', false, 'an empty group'),
  lista('<dm:Filtro>  </dm:Filtro>', false, 'a whitespace-only group'),
  lista(
    '<dm:Filtro><dm:Estado>Completada</dm:Estado></dm:Filtro><dm:Filtro><dm:Rfc>X</dm:Rfc></dm:Filtro>',
    true,
    'a group twice',
  ),
];

describe("the inspector reads a hot read's input exactly as node-soap does, or leaves it to node-soap", () => {
  let loaded: LoadedWsdl;

  beforeAll(async () => {
    loaded = await loadV1Wsdl();
  });

  /** What a dispatcher made of one envelope: the handler's input and the answer, or the error's code. */
  async function outcome(theCase: Case, answer: object, usePlainBody: boolean): Promise<unknown> {
    const inputs: unknown[] = [];
    const handlers = Object.fromEntries(
      [...loaded.operations.keys()].map((name) => [
        name,
        (input: unknown) => {
          inputs.push(input);
          return answer;
        },
      ]),
    );
    const xml =
      `<s:Envelope xmlns:s="${S11}" xmlns:dm="${V1}"><s:Header><dm:Nada/></s:Header>` +
      `<s:Body>${theCase.body}</s:Body></s:Envelope>`;
    const summary = inspectEnvelope(xml);
    const dispatcher = new SoapDispatcher(loaded, handlers, undefined, new Set(HOT_READS));
    try {
      const written = await dispatcher.dispatch(
        withoutHeader(xml, summary),
        `${V1}/${theCase.operation}`,
        v1CallContext(theCase.operation),
        usePlainBody ? summary.plainBody : undefined,
      );
      return { inputs, written };
    } catch (error) {
      return { inputs, error: error instanceof AppError ? error.code : String(error) };
    }
  }

  it.each(CASES.map((theCase) => [theCase.name, theCase] as const))('%s', async (_name, theCase) => {
    const xml = `<s:Envelope xmlns:s="${S11}" xmlns:dm="${V1}"><s:Body>${theCase.body}</s:Body></s:Envelope>`;
    expect(inspectEnvelope(xml).plainBody !== undefined).toBe(theCase.plain);
    const answers =
      theCase.operation === 'RecuperarSolicitud'
        ? [
            { Solicitud: { IdSolicitud: UUID, Estado: 'Registrada & <lista>' } },
            { Solicitud: { IdSolicitud: null } },
          ]
        : [{ Solicitudes: { Solicitud: [] }, Total: 0, Pagina: 1, TotalPaginas: 0 }];
    for (const answer of answers) {
      const viaNodeSoap = await outcome(theCase, answer, false);
      expect(await outcome(theCase, answer, true)).toEqual(viaNodeSoap);
    }
  });

  it('holds the corpus to both kinds of outcome, so the comparison above is worth something', async () => {
    const results = await Promise.all(
      CASES.filter((theCase) => theCase.plain).map((theCase) =>
        outcome(theCase, { Solicitudes: { Solicitud: [] }, Total: 0 }, true),
      ),
    );
    expect(results.some((result) => 'written' in (result as object))).toBe(true);
    expect(results.some((result) => 'error' in (result as object))).toBe(true);
  });
});
