import {
  type EndpointHealth,
  type SatHealthSnapshot,
  type WindowFigures,
  HEALTH_RULES,
} from '../../../services/sat-health';
import { fechaHora } from '../format';
import { html, type SafeHtml } from '../html';
import type { MessageKey } from '../i18n';
import { layout } from '../layout';
import type { PageContext } from '../page-context';

const TONES: Record<EndpointHealth['state'], string> = {
  ok: 'ok',
  degraded: 'busy',
  down: 'bad',
  unknown: 'neutral',
};

function percent(figures: WindowFigures): string {
  return figures.successRate === undefined ? '—' : `${Math.round(figures.successRate * 100)} %`;
}

function seconds(ms: number | undefined): string {
  return ms === undefined ? '—' : `${(ms / 1000).toFixed(ms < 1000 ? 2 : 1)} s`;
}

/** Every label counted in the window (SAT codes, `http_500`, `network`…), most frequent first. */
function codes(figures: WindowFigures): string {
  const entries = Object.entries(figures.codes).sort(([, a], [, b]) => b - a);
  return entries.length === 0 ? '—' : entries.map(([code, count]) => `${code} × ${count}`).join(', ');
}

export function stateLabel(context: PageContext, state: EndpointHealth['state']): string {
  return context.t(`estadoSat.state.${state}` as MessageKey);
}

export function operationLabel(context: PageContext, item: EndpointHealth): string {
  return `${context.t(`estadoSat.op.${item.operation}` as MessageKey)} (${item.servicio === 'retenciones' ? 'Retenciones' : 'CFDI'})`;
}

/** `/estado-sat`: SAT's health per endpoint, for every signed-in user. */
export function satHealthPage(context: PageContext, snapshot: SatHealthSnapshot): SafeHtml {
  const { t, lang } = context;
  const body = html`<p class="hint">${t('estadoSat.intro')}</p>
    <section class="card" aria-labelledby="h-estado-sat">
      <h2 id="h-estado-sat">${fechaHora(snapshot.at, lang)}</h2>
      <table class="data">
        <thead>
          <tr>
            <th scope="col">${t('estadoSat.operacion')}</th>
            <th scope="col">${t('estadoSat.estado')}</th>
            <th scope="col" class="num">${t('estadoSat.exito5')}</th>
            <th scope="col" class="num">${t('estadoSat.llamadas5')}</th>
            <th scope="col" class="num">${t('estadoSat.fallas')}</th>
            <th scope="col">${t('estadoSat.codigos')}</th>
            <th scope="col" class="num">${t('estadoSat.latencia')}</th>
            <th scope="col" class="num">${t('estadoSat.exito60')}</th>
            <th scope="col" class="num">${t('estadoSat.llamadas60')}</th>
          </tr>
        </thead>
        <tbody>
          ${snapshot.endpoints.map(
            (item) =>
              html`<tr data-endpoint="${item.endpoint}" data-estado-sat="${item.state}">
                <td>${operationLabel(context, item)}</td>
                <td><span class="badge ${TONES[item.state]}">${stateLabel(context, item.state)}</span></td>
                <td class="num">${percent(item.recent)}</td>
                <td class="num">${item.recent.calls}</td>
                <td class="num">${item.recent.failures}</td>
                <td>${codes(item.recent)}</td>
                <td class="num">${seconds(item.recent.p50Ms)} / ${seconds(item.recent.p95Ms)}</td>
                <td class="num">${percent(item.hour)}</td>
                <td class="num">${item.hour.calls}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      <p class="hint">
        ${t('estadoSat.rules', { minutos: HEALTH_RULES.windowMinutes, minimo: HEALTH_RULES.minCalls })}
      </p>
    </section>`;
  return layout(context, { title: t('estadoSat.title'), section: 'estadoSat', body });
}
