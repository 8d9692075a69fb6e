import type { Element } from '@xmldom/xmldom';
import { COMPLEMENTOS, HISTORY_YEARS, RFC_PATTERN, UUID_PATTERN } from '../sat/shared/catalogues';
import { fromMexicoTime } from './mexico-time';
import type { Servicio } from './protocol';
import type { Criteria, TipoConsulta } from './requests';
import { childElements } from './xml';

/** What SAT makes of a Solicitud's parameters: the criteria, or its refusal (301 with a detail, 5001). */
export type CriteriaCheck =
  { readonly criteria: Criteria } | { readonly refusal: '301' | '5001'; readonly detail?: string };

const ESTADOS = ['Todos', 'Vigente', 'Cancelado'];
const TIPOS_COMPROBANTE = ['I', 'E', 'T', 'N', 'P'];
const CANCELLED_XML =
  'La solicitud de descarga no es válida. No se permite la descarga de xml que se encuentren cancelados.';

function malformed(detail: string): CriteriaCheck {
  return { refusal: '301', detail };
}

/** Midnight (Mexico City) of today minus six years: the oldest FechaInicial SAT's v1.5 accepts. */
function historyStart(now: Date): Date {
  const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'America/Mexico_City' }).format(now);
  const year = Number(today.slice(0, 4)) - HISTORY_YEARS;
  return fromMexicoTime(`${year}${today.slice(4)}T00:00:00`) ?? now;
}

/**
 * SAT's v1.5 rules for the three Solicitud operations, in the order SAT is believed to apply them
 * (shape and values first, then ownership). The simulator's own reading: it shares only the code
 * catalogues with the client.
 */
export function parseCriteria(
  servicio: Servicio,
  signer: string,
  tipo: TipoConsulta,
  parameters: Element,
  now: Date,
): CriteriaCheck {
  const attribute = (name: string): string | undefined => parameters.getAttribute(name)?.trim() || undefined;
  const rfcs = (element: string): string[] =>
    childElements(parameters)
      .filter((child) => child.localName === element)
      .flatMap((child) => childElements(child).map((item) => (item.textContent ?? '').trim().toUpperCase()));

  if (tipo === 'Folio') {
    const folio = attribute('Folio');
    if (!folio || !UUID_PATTERN.test(folio)) return malformed('Folio no es un UUID válido.');
    const filters = ['FechaInicial', 'FechaFinal', 'TipoComprobante', 'EstadoComprobante', 'Complemento'];
    if (filters.some((name) => attribute(name)))
      return malformed('La solicitud por folio no admite otros filtros.');
    return {
      criteria: {
        servicio,
        rfc: signer,
        tipo,
        tipoSolicitud: 'CFDI',
        start: undefined,
        end: undefined,
        rfcContrapartes: [],
        tipoComprobante: undefined,
        estadoComprobante: undefined,
        complemento: undefined,
        rfcACuentaTerceros: undefined,
        folio: folio.toUpperCase(),
      },
    };
  }

  const tipoSolicitud = attribute('TipoSolicitud');
  if (tipoSolicitud !== 'CFDI' && tipoSolicitud !== 'Metadata')
    return malformed('TipoSolicitud debe ser CFDI o Metadata.');
  const start = fromMexicoTime(attribute('FechaInicial') ?? '');
  const finalInclusive = fromMexicoTime(attribute('FechaFinal') ?? '');
  if (!start || !finalInclusive) return malformed('Las fechas no tienen el formato yyyy-MM-ddTHH:mm:ss.');
  if (start >= finalInclusive) return malformed('La fecha inicial es mayor o igual a la fecha final.');
  if (start < historyStart(now))
    return malformed(`La fecha inicial es anterior a los ${HISTORY_YEARS} años permitidos.`);

  const estado = attribute('EstadoComprobante');
  if (estado !== undefined && !ESTADOS.includes(estado)) return malformed('EstadoComprobante no es válido.');
  // An absent EstadoComprobante was refused for received XML in the field (notes §14.5).
  if (tipo === 'Recibidos' && tipoSolicitud === 'CFDI' && estado !== 'Vigente')
    return malformed(CANCELLED_XML);
  const tipoComprobante = attribute('TipoComprobante');
  if (tipoComprobante !== undefined) {
    if (servicio === 'retenciones') return malformed('TipoComprobante no aplica a retenciones.');
    if (!TIPOS_COMPROBANTE.includes(tipoComprobante)) return malformed('TipoComprobante no es válido.');
  }
  const complemento = attribute('Complemento');
  if (complemento !== undefined && !COMPLEMENTOS[servicio].includes(complemento))
    return malformed('Complemento no es válido.');
  const terceros = attribute('RfcACuentaTerceros')?.toUpperCase();
  if (terceros !== undefined && !RFC_PATTERN.test(terceros))
    return malformed('RfcACuentaTerceros no es válido.');

  const receptores = rfcs('RfcReceptores');
  const emisorFilter = tipo === 'Recibidos' ? attribute('RfcEmisor')?.toUpperCase() : undefined;
  const contrapartes = tipo === 'Emitidos' ? receptores : emisorFilter ? [emisorFilter] : [];
  if (tipo === 'Emitidos' && receptores.length > 5) return malformed('Máximo 5 RfcReceptor.');
  if (contrapartes.some((rfc) => !RFC_PATTERN.test(rfc))) return malformed('RFC no válido.');

  const owner = attribute(tipo === 'Emitidos' ? 'RfcEmisor' : 'RfcReceptor')?.toUpperCase();
  if (!owner) return malformed(`${tipo === 'Emitidos' ? 'RfcEmisor' : 'RfcReceptor'} es requerido.`);
  if (!RFC_PATTERN.test(owner)) return malformed('RFC no válido.');
  if (owner !== signer) return { refusal: '5001' };

  return {
    criteria: {
      servicio,
      rfc: signer,
      tipo,
      tipoSolicitud,
      start,
      // FechaFinal is inclusive to the second.
      end: new Date(finalInclusive.getTime() + 1000),
      rfcContrapartes: contrapartes,
      tipoComprobante,
      estadoComprobante: estado,
      complemento,
      rfcACuentaTerceros: terceros,
      folio: undefined,
    },
  };
}
