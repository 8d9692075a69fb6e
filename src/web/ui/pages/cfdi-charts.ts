import type { CfdiMonthTotal } from '../../../services/cfdi';
import { html, type SafeHtml } from '../html';
import type { Lang } from '../i18n';
import type { PageContext } from '../page-context';

/**
 * Bar charts drawn on the server as inline SVG (no script, nothing but markup and the stylesheet's
 * classes). Each is an image with a title and a description for assistive technology, followed by the
 * same figures as a visually hidden table.
 */

/** Natural sizes, in CSS pixels: a chart is drawn 1:1 in its card and only ever scaled down. */
const WIDTH = 540;
const HEIGHT = 220;
const PLOT = { left: 48, right: 6, top: 12, bottom: 188 } as const;

interface Bar {
  readonly label: string;
  readonly value: number;
  readonly shown: string;
}

function locale(lang: Lang): string {
  return lang === 'es' ? 'es-MX' : 'en-US';
}

export function compact(value: number, lang: Lang): string {
  return new Intl.NumberFormat(locale(lang), { notation: 'compact', maximumFractionDigits: 1 }).format(value);
}

export function amountText(value: number | string, lang: Lang): string {
  return new Intl.NumberFormat(locale(lang), { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(
    Number(value),
  );
}

export function countText(value: number, lang: Lang): string {
  return new Intl.NumberFormat(locale(lang)).format(value);
}

/** `2025-03` → `mar 2025` / `Mar 2025`. */
export function monthLabel(month: string | null, context: PageContext): string {
  if (!month) return context.t('cfdi.chart.noDate');
  const [year, number] = month.split('-').map(Number) as [number, number];
  return new Intl.DateTimeFormat(locale(context.lang), { month: 'short', year: 'numeric', timeZone: 'UTC' })
    .format(new Date(Date.UTC(year, number - 1, 1)))
    .replace('.', '');
}

/** The smallest of 1, 2, 4, 5 × 10ⁿ not below `value`: an axis top whose half is round too. */
export function niceCeiling(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return ([1, 2, 4, 5, 10].find((step) => step * power >= value) ?? 10) * power;
}

/** Vertical bars over a baseline with three grid lines; at most about twelve labels on the axis. */
function columnChart(
  id: string,
  title: string,
  description: string,
  bars: readonly Bar[],
  lang: Lang,
): SafeHtml {
  const max = niceCeiling(Math.max(0, ...bars.map((bar) => bar.value)));
  const plotWidth = WIDTH - PLOT.left - PLOT.right;
  const plotHeight = PLOT.bottom - PLOT.top;
  const slot = plotWidth / Math.max(bars.length, 1);
  const every = Math.ceil(bars.length / 12);
  const grid = [0, 0.5, 1].map((share) => {
    const y = PLOT.bottom - share * plotHeight;
    return html`<line class="grid" x1="${PLOT.left}" x2="${WIDTH - PLOT.right}" y1="${y}" y2="${y}" />
      <text class="axis" x="${PLOT.left - 6}" y="${y + 4}" text-anchor="end"
        >${compact(max * share, lang)}</text
      >`;
  });
  const columns = bars.map((bar, index) => {
    const height = (Math.max(bar.value, 0) / max) * plotHeight;
    const x = PLOT.left + index * slot + slot * 0.15;
    const label =
      index % every === 0
        ? html`<text class="axis" x="${x + slot * 0.35}" y="${PLOT.bottom + 16}" text-anchor="middle">
            ${bar.label}
          </text>`
        : '';
    return html`<rect
        class="bar"
        x="${x.toFixed(1)}"
        y="${(PLOT.bottom - height).toFixed(1)}"
        width="${(slot * 0.7).toFixed(1)}"
        height="${height.toFixed(1)}"
      >
        <title>${bar.label}: ${bar.shown}</title></rect
      >${label}`;
  });
  return html`<svg
    class="chart-svg"
    width="${WIDTH}"
    height="${HEIGHT}"
    viewBox="0 0 ${WIDTH} ${HEIGHT}"
    role="img"
    aria-labelledby="${id}-title ${id}-desc"
    preserveAspectRatio="xMidYMid meet"
  >
    <title id="${id}-title">${title}</title>
    <desc id="${id}-desc">${description}</desc>
    ${grid}${columns}
  </svg>`;
}

function peak(bars: readonly Bar[]): Bar | undefined {
  return bars.reduce<Bar | undefined>(
    (best, bar) => (!best || bar.value > best.value ? bar : best),
    undefined,
  );
}

/** Documents and amounts per month: two column charts and one table with both figures. */
export function monthCharts(context: PageContext, months: readonly CfdiMonthTotal[]): SafeHtml {
  const { t, lang } = context;
  const counts = months.map((month) => ({
    label: monthLabel(month.month, context),
    value: month.count,
    shown: countText(month.count, lang),
  }));
  const amounts = months.map((month) => ({
    label: monthLabel(month.month, context),
    value: Number(month.amount),
    shown: amountText(month.amount, lang),
  }));
  const range = { first: counts[0]?.label ?? '', last: counts[counts.length - 1]?.label ?? '' };
  const topCount = peak(counts);
  const topAmount = peak(amounts);
  const table = html`<table class="sr" data-chart="meses">
    <caption>
      ${t('cfdi.chart.count')} · ${t('cfdi.chart.amount')}
    </caption>
    <thead>
      <tr>
        <th scope="col">${t('cfdi.chart.month')}</th>
        <th scope="col">${t('cfdi.chart.documents')}</th>
        <th scope="col">${t('cfdi.chart.amountColumn')}</th>
      </tr>
    </thead>
    <tbody>
      ${months.map(
        (month, index) =>
          html`<tr
            data-mes="${month.month ?? ''}"
            data-cantidad="${month.count}"
            data-importe="${month.amount}"
          >
            <th scope="row">${counts[index]?.label}</th>
            <td>${counts[index]?.shown}</td>
            <td>${amounts[index]?.shown}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
  return html`<figure class="chart card">
      <figcaption>${t('cfdi.chart.count')}</figcaption>
      ${columnChart(
        'grafica-cantidad',
        t('cfdi.chart.count'),
        t('cfdi.chart.countDesc', { ...range, max: topCount?.shown ?? '0', at: topCount?.label ?? '' }),
        counts,
        lang,
      )}
    </figure>
    <figure class="chart card">
      <figcaption>${t('cfdi.chart.amount')}</figcaption>
      ${columnChart(
        'grafica-importe',
        t('cfdi.chart.amount'),
        t('cfdi.chart.amountDesc', { ...range, max: topAmount?.shown ?? '0', at: topAmount?.label ?? '' }),
        amounts,
        lang,
      )}
      <p class="hint">${t('cfdi.amountNote')}</p>
    </figure>
    ${table}`;
}
