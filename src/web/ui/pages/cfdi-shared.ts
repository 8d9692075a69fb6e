import { decimalText, type CfdiSearchRow } from '../../../services/cfdi';
import { html, type SafeHtml } from '../html';
import { isMessageKey } from '../i18n';
import type { PageContext } from '../page-context';

/** Ingreso, Egreso…; a code this interface does not know is shown as SAT writes it. */
export function efectoLabel(context: PageContext, efecto: string | null): string {
  if (!efecto) return '—';
  const key = `cfdi.efecto.${efecto}`;
  return isMessageKey(key) ? context.t(key) : efecto;
}

export function estatusBadge(context: PageContext, estatus: string | null): SafeHtml | string {
  if (!estatus) return '—';
  const key = `cfdi.estatus.${estatus}`;
  const tone = estatus === 'Vigente' ? 'ok' : estatus === 'Cancelado' ? 'bad' : 'neutral';
  return html`<span class="badge ${tone}" data-estatus="${estatus}"
    >${isMessageKey(key) ? context.t(key) : estatus}</span
  >`;
}

/**
 * An amount exactly as SAT or the CFDI wrote it (`decimalText`: no padding, no rounding), its whole
 * part grouped by thousands for reading — both languages group with commas and use a decimal point.
 */
export function exactAmount(value: string | null | undefined): string {
  const exact = decimalText(value);
  if (exact === undefined) return '—';
  const [whole = '', fraction] = exact.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+$)/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

/** An amount with its currency when the XML gave one other than pesos (metadata has none). */
export function amountOf(
  row: Pick<CfdiSearchRow, 'monto' | 'moneda'>,
  value: string | null = row.monto,
): string {
  if (value === null) return '—';
  const shown = exactAmount(value);
  return row.moneda && row.moneda !== 'MXN' && row.moneda !== 'XXX' ? `${shown} ${row.moneda}` : shown;
}

/** The same search without paging, for links that carry it (exports, sort headers). */
export function searchWithout(query: URLSearchParams, ...names: string[]): URLSearchParams {
  const next = new URLSearchParams(query);
  for (const name of names) next.delete(name);
  return next;
}
