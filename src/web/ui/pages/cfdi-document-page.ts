import { decimalText, type CfdiDocument, type CfdiSearchRow } from '../../../services/cfdi';
import { bytes, fechaHora } from '../format';
import { html, type SafeHtml } from '../html';
import type { MessageKey } from '../i18n';
import { layout } from '../layout';
import type { PageContext } from '../page-context';
import type { XmlLine } from '../xml-view';
import { paymentsSection } from './cfdi-payments-section';
import { amountOf, efectoLabel, estatusBadge } from './cfdi-shared';

/** The XML as the page can show it: laid out, as received (not well-formed), or only its problem. */
export type XmlShown =
  | { readonly kind: 'lines'; readonly lines: readonly XmlLine[] }
  | { readonly kind: 'raw'; readonly text: string }
  | { readonly kind: 'tooLarge'; readonly size: number }
  | { readonly kind: 'problem'; readonly code: string; readonly message: string }
  | { readonly kind: 'notHeld' };

function xmlBlock(lines: readonly XmlLine[]): SafeHtml {
  const rendered = lines.map(
    (line) =>
      html`${' '.repeat(line.indent)}${line.tokens.map((token) =>
        token.kind === 'punct' ? token.text : html`<span class="x-${token.kind}">${token.text}</span>`,
      )}`,
  );
  // Separated by bare line breaks (plain strings, not markup): the <pre> keeps them as they are.
  const joined = rendered.flatMap((line, index) => (index === 0 ? [line] : ['\n', line]));
  return html`<pre class="xml" tabindex="0"><code>${joined}</code></pre>`;
}

/** Every field of the XML's header the index holds; only a hint when the XML is not held. */
function comprobante(context: PageContext, row: CfdiSearchRow): SafeHtml {
  const { t, lang } = context;
  const value = (text: string | null | undefined): string =>
    text === null || text === undefined || text === '' ? '—' : text;
  const item = (campo: string, label: MessageKey, shown: SafeHtml | string): SafeHtml =>
    html`<dt>${t(label)}</dt>
      <dd data-campo="${campo}">${shown}</dd>`;
  const exact = (amount: string | null): string => (amount === null ? '—' : amountOf(row, amount));
  const body =
    row.paqueteId === null
      ? html`<p class="hint">${t('cfdi.document.sinComprobante')}</p>`
      : html`<dl class="grid">
          ${item('version', 'cfdi.document.version', value(row.version))}
          ${item(
            'tipoComprobante',
            'cfdi.document.tipoComprobante',
            row.tipoComprobante
              ? `${row.tipoComprobante} · ${efectoLabel(context, row.tipoComprobante)}`
              : '—',
          )}
          ${item('serie', 'cfdi.serie', value(row.serie))} ${item('folio', 'cfdi.folio', value(row.folio))}
          ${item('fecha', 'cfdi.document.fecha', fechaHora(row.fecha, lang))}
          ${item('fechaTimbrado', 'cfdi.document.fechaTimbrado', fechaHora(row.fechaTimbrado, lang))}
          ${item('subTotal', 'cfdi.document.subTotal', exact(row.subTotal))}
          ${item('descuento', 'cfdi.document.descuento', exact(row.descuento))}
          ${item('totalXml', 'cfdi.document.total', exact(row.total))}
          ${item('monedaXml', 'cfdi.moneda', value(row.moneda))}
          ${item('tipoCambio', 'cfdi.document.tipoCambio', decimalText(row.tipoCambio) ?? '—')}
          ${item('metodoPago', 'cfdi.document.metodoPago', value(row.metodoPago))}
          ${item('formaPago', 'cfdi.document.formaPago', value(row.formaPago))}
          ${item('usoCfdi', 'cfdi.document.usoCfdi', value(row.usoCfdi))}
          ${item('lugarExpedicion', 'cfdi.document.lugarExpedicion', value(row.lugarExpedicion))}
          ${item('complementos', 'cfdi.document.complementos', row.complementos?.join(', ') || '—')}
        </dl>`;
  return html`<section class="card cfdi-comprobante" aria-labelledby="h-comprobante">
    <h2 id="h-comprobante">${t('cfdi.document.comprobante')}</h2>
    ${body}
  </section>`;
}

/**
 * The document page: summary, the XML's header, its payments (an invoice's partialities, or the
 * invoices a payment settles, each linked), the XML itself.
 */
export function cfdiDocumentPage(context: PageContext, document: CfdiDocument, xml: XmlShown): SafeHtml {
  const { t, lang } = context;
  const [row] = document.rows;
  if (!row) throw new Error('a CFDI document without rows');
  const uuid = document.uuid.toUpperCase();
  const value = (text: string | null | undefined): string =>
    text === null || text === undefined || text === '' ? '—' : text;
  const descargado = document.rows.map(
    (item) =>
      `${item.rfc} (${item.rfc === item.rfcEmisor ? t('cfdi.document.emitido') : t('cfdi.document.recibido')})`,
  );
  // Third party and PAC come from SAT's metadata, which may sit on another RFC's row than the XML.
  const metadata = document.rows.find((item) => item.estatus !== null) ?? row;
  const terceros = metadata.rfcACuentaTerceros
    ? `${metadata.rfcACuentaTerceros} · ${value(metadata.nombreACuentaTerceros)}`
    : '—';
  const summary = html`<section class="card cfdi-summary" aria-labelledby="h-resumen">
    <h2 id="h-resumen">${t('cfdi.document.summary')}</h2>
    <div class="cfdi-headline">
      <span class="badge neutral" data-efecto="${row.efecto ?? ''}">${efectoLabel(context, row.efecto)}</span>
      ${estatusBadge(context, row.estatus)}
      <span class="cfdi-amount">${amountOf(row, row.total ?? row.monto)}</span>
    </div>
    <dl class="grid">
      <dt>${t('cfdi.uuid')}</dt>
      <dd><code>${uuid}</code></dd>
      <dt>${t('cfdi.emisor')}</dt>
      <dd data-campo="emisor">${value(row.rfcEmisor)} · ${value(row.nombreEmisor)}</dd>
      <dt>${t('cfdi.receptor')}</dt>
      <dd data-campo="receptor">${value(row.rfcReceptor)} · ${value(row.nombreReceptor)}</dd>
      <dt>${t('cfdi.fechaEmision')}</dt>
      <dd>${fechaHora(row.fechaEmision, lang)}</dd>
      <dt>${t('cfdi.document.fechaCertificacion')}</dt>
      <dd>${fechaHora(row.fechaCertificacion, lang)}</dd>
      ${
        row.fechaCancelacion
          ? html`<dt>${t('cfdi.document.fechaCancelacion')}</dt>
              <dd>${fechaHora(row.fechaCancelacion, lang)}</dd>`
          : ''
      }
      <dt>${t('cfdi.document.total')}</dt>
      <dd data-campo="total">${amountOf(row, row.total ?? row.monto)}</dd>
      <dt>${t('cfdi.efecto')}</dt>
      <dd>${row.efecto ? `${row.efecto} · ${efectoLabel(context, row.efecto)}` : '—'}</dd>
      <dt>${t('cfdi.estatus')}</dt>
      <dd>${estatusBadge(context, row.estatus)}</dd>
      <dt>${t('cfdi.document.serieFolio')}</dt>
      <dd data-campo="serieFolio">${[row.serie, row.folio].filter(Boolean).join(' ') || '—'}</dd>
      <dt>${t('cfdi.document.moneda')}</dt>
      <dd data-campo="moneda">${value(row.moneda)}</dd>
      <dt>${t('cfdi.document.tipoDocumento')}</dt>
      <dd>${row.tipoDocumento}</dd>
      <dt>${t('cfdi.document.pac')}</dt>
      <dd data-campo="rfcPac">${value(metadata.rfcPac)}</dd>
      <dt>${t('cfdi.document.terceros')}</dt>
      <dd data-campo="terceros">${terceros}</dd>
      <dt>${t('cfdi.document.descargadoPara')}</dt>
      <dd>${descargado.join(' · ')}</dd>
      <dt>${t('cfdi.document.paquete')}</dt>
      <dd data-campo="paquete">
        ${
          document.paquete
            ? html`<code>${document.paquete.idPaquete}</code>
                <a href="/solicitudes/${document.paquete.solicitudId}"
                  >${t('cfdi.document.enSolicitud', { id: document.paquete.solicitudId.slice(0, 8) })}</a
                >`
            : '—'
        }
      </dd>
    </dl>
  </section>`;
  const canDownload = xml.kind !== 'notHeld' && xml.kind !== 'problem';
  const body =
    xml.kind === 'lines'
      ? xmlBlock(xml.lines)
      : xml.kind === 'raw'
        ? html`<pre class="xml" tabindex="0"><code>${xml.text}</code></pre>`
        : xml.kind === 'tooLarge'
          ? html`<p class="hint">${t('cfdi.document.tooLarge', { size: bytes(xml.size) })}</p>`
          : xml.kind === 'problem'
            ? html`<p class="alert" role="alert"><strong>${xml.code}</strong> ${xml.message}</p>`
            : html`<p class="alert warning">${t('cfdi.document.noXml')}</p>`;
  const xmlSection = html`<section class="card" aria-labelledby="h-xml">
    <div class="cfdi-section-head">
      <h2 id="h-xml">${t('cfdi.document.xml')}</h2>
      ${
        canDownload
          ? html`<a class="button" href="/cfdi/${document.uuid}/xml" download
              >${t('cfdi.document.download')}</a
            >`
          : ''
      }
    </div>
    ${body}
  </section>`;
  return layout(context, {
    title: t('cfdi.document.title', { uuid }),
    section: 'cfdi',
    body: html`<p><a href="/cfdi">← ${t('common.back')}</a></p>
      ${summary} ${comprobante(context, row)}
      ${document.pagos ? paymentsSection(context, document.pagos) : ''} ${xmlSection}`,
  });
}
