import { ValidationError, generalErrors } from '../../errors';
import { asArray } from '../infra/repeated-elements';
import type { SoapInput } from '../infra/soap-call-context';
import { record } from '../shared/input';

/*
 * Contract v2 (wsdl/v2) carries the same requests and answers as v1 in another shape: one Peticion in,
 * one Resultado out, repeated elements inside list types, and value types that are harmless at their
 * defaults. These pure functions turn a v2 Peticion into the input the v1 handlers read, and a v1
 * answer into the v2 Resultado, so both versions run the very same handlers and services.
 */

export const V2_OPERATIONS = [
  'RegistrarSolicitud',
  'RecuperarSolicitud',
  'RecuperarLinkDescarga',
  'RecuperarListaSolicitudes',
  'ConsultarCfdi',
  'RecuperarCfdi',
  'ConsultarConciliacion',
  'ConsultarPagos',
] as const;
export type V2Operation = (typeof V2_OPERATIONS)[number];

type Fields = Record<string, unknown>;

/**
 * The "no filter" first value of v2's request enumerations (TipoComprobante, EstadoComprobante, the
 * list filter's Contexto/TipoSolicitud/TipoDocumento). .NET never sends an enumeration's first value
 * and mono svcutil always sends every value type, so the first value has to mean "as if absent".
 */
const NO_FILTER = 'Todos';
/** Estados takes each EstadoSolicitud once at most: more than there are states is a client's mistake. */
export const MAX_ESTADOS = 8;

/**
 * v1 requires Contexto and TipoSolicitud on a registration by period. In v2 they are optional with
 * their first value as the default, because a .NET client that sets that first value never sends it.
 */
const REGISTRATION_DEFAULTS: Readonly<Fields> = { Contexto: 'Emitidos', TipoSolicitud: 'CFDI' };

/** The items of a v2 list element (`<Estados><Estado>…`), already arrays after the SOAP layer. */
function listItems(list: unknown, item: string): unknown[] {
  return asArray(record(list)[item]);
}

/** v1's XSD bounded these lists with maxOccurs; v2's list types are unbounded, so the server counts. */
function assertAtMost(field: string, items: unknown[], maximum: number, item: string): void {
  if (items.length > maximum) {
    throw new ValidationError(generalErrors.fieldInvalid, {
      params: { field, reason: `at most ${maximum} ${item}, ${items.length} were given` },
    });
  }
}

/** A copy without the members whose value is only the v2 default (`Todos`, `0`), key order kept. */
function withoutDefaults(fields: Fields, noFilter: readonly string[], zeroes: readonly string[]): Fields {
  return Object.fromEntries(
    Object.entries(fields).filter(
      ([name, value]) =>
        !(noFilter.includes(name) && value === NO_FILTER) && !(zeroes.includes(name) && value === 0),
    ),
  );
}

const PAGING = ['Pagina', 'TamanoPagina'] as const;

/** A v2 list element replaced by v1's repeated element, under v1's name. */
function unlisted(fields: Fields, list: string, item: string, as: string, maximum?: number): Fields {
  if (!(list in fields)) return fields;
  const { [list]: wrapped, ...rest } = fields;
  const items = listItems(wrapped, item);
  if (maximum !== undefined) assertAtMost(list, items, maximum, item);
  return items.length > 0 ? { ...rest, [as]: items } : rest;
}

function registrarSolicitud(peticion: Fields): SoapInput {
  const input = unlisted(
    withoutDefaults(peticion, ['TipoComprobante', 'EstadoComprobante'], []),
    'RfcContraparte',
    'Rfc',
    'RfcContraparte',
  );
  return { ...REGISTRATION_DEFAULTS, ...input };
}

function recuperarListaSolicitudes(peticion: Fields): SoapInput {
  const input = withoutDefaults(peticion, [], PAGING);
  if (!('Filtro' in input) || input.Filtro === null) return input;
  const filtro = unlisted(
    withoutDefaults(record(input.Filtro), ['Contexto', 'TipoSolicitud', 'TipoDocumento'], []),
    'Estados',
    'Estado',
    'Estado',
    MAX_ESTADOS,
  );
  return { ...input, Filtro: filtro };
}

function consultarCfdi(peticion: Fields): SoapInput {
  const input = withoutDefaults(peticion, [], PAGING);
  if (!('Filtro' in input) || input.Filtro === null) return input;
  return { ...input, Filtro: withoutDefaults(record(input.Filtro), ['Efecto', 'TipoComprobante'], []) };
}

/** A v2 Peticion as the input of the v1 handler of the same operation. */
export const toV1Input: Readonly<Record<V2Operation, (peticion: Fields) => SoapInput>> = {
  RegistrarSolicitud: registrarSolicitud,
  RecuperarSolicitud: (peticion) => ({ ...peticion }),
  RecuperarLinkDescarga: (peticion) => withoutDefaults(peticion, [], ['VigenciaSegundos']),
  RecuperarListaSolicitudes: recuperarListaSolicitudes,
  ConsultarCfdi: consultarCfdi,
  RecuperarCfdi: (peticion) => ({ ...peticion }),
  // Contexto's first value in v2 (Ambos) is v1's default already.
  ConsultarConciliacion: (peticion) => withoutDefaults(peticion, [], PAGING),
  // FiltroPagos holds strings only: nothing there has a default to read as absent.
  ConsultarPagos: (peticion) => withoutDefaults(peticion, [], PAGING),
};

/** v1's repeated Filtros/RfcContraparte as v2's list, in the same place among its siblings. */
function listedFiltros(filtros: Fields): Fields {
  return Object.fromEntries(
    Object.entries(filtros).flatMap(([name, value]): [string, unknown][] => {
      if (name !== 'RfcContraparte') return [[name, value]];
      const items = asArray(value);
      return items.length > 0 ? [[name, { Rfc: items }]] : [];
    }),
  );
}

function recuperarSolicitudResultado(answer: Fields): Fields {
  const solicitud = record(answer.Solicitud);
  if (!('Filtros' in solicitud)) return answer;
  const filtros = listedFiltros(record(solicitud.Filtros));
  // v1 sends an empty Filtros when the only filter is an empty counterpart list; v2 leaves it out.
  const { Filtros: _v1, ...rest } = solicitud;
  const detalle = Object.keys(filtros).length > 0 ? { ...solicitud, Filtros: filtros } : rest;
  return { ...answer, Solicitud: detalle };
}

/**
 * A v1 answer as v2's Resultado. Only RecuperarSolicitud differs: v1's other answers already keep
 * their repeated elements inside list elements (ConsultarCfdi's Complementos, ConsultarPagos' Pagos,
 * DoctosRelacionados and Saldos too), which v2 names as types without changing the XML.
 */
export const toV2Resultado: Readonly<Record<V2Operation, (answer: Fields) => Fields>> = {
  RegistrarSolicitud: (answer) => answer,
  RecuperarSolicitud: recuperarSolicitudResultado,
  RecuperarLinkDescarga: (answer) => answer,
  RecuperarListaSolicitudes: (answer) => answer,
  ConsultarCfdi: (answer) => answer,
  RecuperarCfdi: (answer) => answer,
  ConsultarConciliacion: (answer) => answer,
  ConsultarPagos: (answer) => answer,
};
