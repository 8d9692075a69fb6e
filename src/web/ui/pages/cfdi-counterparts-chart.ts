import type { CfdiCounterpartTotal } from '../../../services/cfdi';
import { html, type SafeHtml } from '../html';
import type { PageContext } from '../page-context';
import { amountText, compact, countText } from './cfdi-charts';

/** Sizes in CSS pixels; like the month charts, drawn 1:1 and only ever scaled down. */
const ROW = 30;
const LIST_WIDTH = 1080;
const LABEL_WIDTH = 400;
const VALUE_WIDTH = 90;

function shorten(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}

/** The counterparts with the largest amounts, as horizontal bars labelled with RFC and name. */
export function counterpartChart(
  context: PageContext,
  counterparts: readonly CfdiCounterpartTotal[],
): SafeHtml {
  const { t, lang } = context;
  const max = Math.max(0, ...counterparts.map((item) => Number(item.amount))) || 1;
  const height = Math.max(counterparts.length, 1) * ROW + 8;
  const barSpace = LIST_WIDTH - LABEL_WIDTH - VALUE_WIDTH;
  const first = counterparts[0];
  const rows = counterparts.map((item, index) => {
    const y = 4 + index * ROW;
    const width = (Math.max(Number(item.amount), 0) / max) * barSpace;
    const name = `${item.rfc ?? '—'} · ${item.nombre ?? ''}`;
    return html`<text class="label" x="${LABEL_WIDTH - 8}" y="${y + 19}" text-anchor="end">
        ${shorten(name, 52)}
      </text>
      <rect class="bar" x="${LABEL_WIDTH}" y="${y + 5}" width="${width.toFixed(1)}" height="${ROW - 10}">
        <title>${name}: ${amountText(item.amount, lang)} (${countText(item.count, lang)} CFDI)</title>
      </rect>
      <text class="value" x="${(LABEL_WIDTH + width + 6).toFixed(1)}" y="${y + 19}">
        ${compact(Number(item.amount), lang)}
      </text>`;
  });
  return html`<figure class="chart card wide">
      <figcaption>${t('cfdi.chart.counterparts')}</figcaption>
      <svg
        class="chart-svg"
        width="${LIST_WIDTH}"
        height="${height}"
        viewBox="0 0 ${LIST_WIDTH} ${height}"
        role="img"
        aria-labelledby="grafica-contrapartes-title grafica-contrapartes-desc"
      >
        <title id="grafica-contrapartes-title">${t('cfdi.chart.counterparts')}</title>
        <desc id="grafica-contrapartes-desc">
          ${t('cfdi.chart.counterpartsDesc', {
            n: counterparts.length,
            first: first ? `${first.rfc ?? '—'} ${first.nombre ?? ''}`.trim() : '—',
            max: first ? amountText(first.amount, lang) : '0',
            count: first?.count ?? 0,
          })}
        </desc>
        ${rows}
      </svg>
    </figure>
    <table class="sr" data-chart="contrapartes">
      <caption>
        ${t('cfdi.chart.counterparts')}
      </caption>
      <thead>
        <tr>
          <th scope="col">${t('cfdi.chart.counterpart')}</th>
          <th scope="col">${t('cfdi.chart.documents')}</th>
          <th scope="col">${t('cfdi.chart.amountColumn')}</th>
        </tr>
      </thead>
      <tbody>
        ${counterparts.map(
          (item) =>
            html`<tr data-rfc="${item.rfc ?? ''}" data-cantidad="${item.count}" data-importe="${item.amount}">
              <th scope="row">${item.rfc ?? '—'} ${item.nombre ?? ''}</th>
              <td>${countText(item.count, lang)}</td>
              <td>${amountText(item.amount, lang)}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
}
