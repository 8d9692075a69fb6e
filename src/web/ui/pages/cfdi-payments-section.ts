import { decimalText, type CfdiDocument } from '../../../services/cfdi';
import type { PagoCfdi, PagoConsultado, PagosDeDocumento, SaldoDocumento } from '../../../services/pagos';
import { fechaHora } from '../format';
import { html, type SafeHtml } from '../html';
import type { PageContext } from '../page-context';
import { exactAmount } from './cfdi-shared';

/** An amount as the complement wrote it, with the currency it is in when the complement says. */
function amount(value: string | null, moneda: string | null): string {
  if (value === null) return '—';
  return moneda ? `${exactAmount(value)} ${moneda}` : exactAmount(value);
}

function cfdiLink(uuid: string): SafeHtml {
  return html`<a class="uuid" href="/cfdi/${uuid}">${uuid.toUpperCase()}</a>`;
}

/** An invoice's page: every partiality that settles it, each linked to its payment CFDI. */
function invoicePayments(context: PageContext, factura: PagosDeDocumento): SafeHtml {
  const { t, lang } = context;
  const saldo: SaldoDocumento | undefined = factura.saldo;
  const body =
    factura.parcialidades.length === 0
      ? html`<p class="empty">${t('cfdi.pagos.ninguno')}</p>`
      : html`${
            saldo
              ? html`<p
                  class="cfdi-saldo"
                  data-pagado="${decimalText(saldo.totalPagado) ?? ''}"
                  data-saldo="${decimalText(saldo.saldoInsoluto) ?? ''}"
                  data-parcialidades="${saldo.parcialidades}"
                >
                  ${t('cfdi.pagos.resumen', {
                    pagado: amount(saldo.totalPagado, saldo.monedaDR),
                    count: saldo.parcialidades,
                    saldo: amount(saldo.saldoInsoluto, saldo.monedaDR),
                  })}
                </p>`
              : ''
          }
          <table class="data cfdi-pagos-tabla">
            <thead>
              <tr>
                <th scope="col" class="num">${t('cfdi.pagos.parcialidad')}</th>
                <th scope="col">${t('cfdi.pagos.fechaPago')}</th>
                <th scope="col">${t('cfdi.pagos.cfdiPago')}</th>
                <th scope="col">${t('cfdi.pagos.formaPago')}</th>
                <th scope="col" class="num">${t('cfdi.pagos.saldoAnterior')}</th>
                <th scope="col" class="num">${t('cfdi.pagos.pagado')}</th>
                <th scope="col" class="num">${t('cfdi.pagos.saldoInsoluto')}</th>
              </tr>
            </thead>
            <tbody>
              ${factura.parcialidades.map(
                (parcialidad) =>
                  html`<tr
                    data-pago="${parcialidad.pago.uuid}"
                    data-parcialidad="${parcialidad.numParcialidad ?? ''}"
                  >
                    <td class="num">${parcialidad.numParcialidad ?? '—'}</td>
                    <td class="nowrap">${fechaHora(parcialidad.pago.fechaPago, lang)}</td>
                    <td>
                      ${cfdiLink(parcialidad.pago.uuid)}
                      ${
                        parcialidad.pago.estatus === 'Cancelado'
                          ? html`<span class="badge bad">${t('cfdi.pagos.cancelado')}</span>`
                          : ''
                      }
                    </td>
                    <td>${parcialidad.pago.formaDePagoP ?? '—'}</td>
                    <td class="num">${amount(parcialidad.impSaldoAnt, parcialidad.monedaDR)}</td>
                    <td class="num" data-pagado="${decimalText(parcialidad.impPagado) ?? ''}">
                      ${amount(parcialidad.impPagado, parcialidad.monedaDR)}
                    </td>
                    <td class="num">${amount(parcialidad.impSaldoInsoluto, parcialidad.monedaDR)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`;
  return html`<section class="card cfdi-pagos" aria-labelledby="h-pagos" data-pagos="factura">
    <h2 id="h-pagos">${t('cfdi.pagos.title')}</h2>
    ${body}
  </section>`;
}

/** One `Pago` of a payment CFDI: the invoices it settles, linked when the tenant holds them. */
function pagoTable(context: PageContext, pago: PagoConsultado, cfdi: PagoCfdi): SafeHtml {
  const { t, lang } = context;
  const saldos = new Map(cfdi.saldos.map((saldo) => [saldo.idDocumento, saldo]));
  const held = new Set(cfdi.documentosEnIndice);
  return html`<table class="data cfdi-pagos-tabla" data-indice="${pago.indice}">
    <caption>
      ${t('cfdi.pagos.pago', {
        indice: pago.indice,
        monto: amount(pago.monto, pago.monedaP),
        fecha: fechaHora(pago.fechaPago, lang),
      })}
    </caption>
    <thead>
      <tr>
        <th scope="col">${t('cfdi.pagos.documento')}</th>
        <th scope="col">${t('cfdi.serieFolio')}</th>
        <th scope="col" class="num">${t('cfdi.pagos.parcialidad')}</th>
        <th scope="col" class="num">${t('cfdi.pagos.saldoAnterior')}</th>
        <th scope="col" class="num">${t('cfdi.pagos.pagado')}</th>
        <th scope="col" class="num">${t('cfdi.pagos.saldoInsoluto')}</th>
        <th scope="col" class="num">${t('cfdi.pagos.saldoActual')}</th>
      </tr>
    </thead>
    <tbody>
      ${pago.documentos.map((documento) => {
        const saldo = saldos.get(documento.idDocumento);
        return html`<tr data-documento="${documento.idDocumento}">
          <td>
            ${held.has(documento.idDocumento) ? cfdiLink(documento.idDocumento) : html`<code>${documento.idDocumento.toUpperCase()}</code>`}
          </td>
          <td>${[documento.serie, documento.folio].filter(Boolean).join(' ') || '—'}</td>
          <td class="num">${documento.numParcialidad ?? '—'}</td>
          <td class="num">${amount(documento.impSaldoAnt, documento.monedaDR)}</td>
          <td class="num" data-pagado="${decimalText(documento.impPagado) ?? ''}">
            ${amount(documento.impPagado, documento.monedaDR)}
          </td>
          <td class="num">${amount(documento.impSaldoInsoluto, documento.monedaDR)}</td>
          <td class="num" data-saldo="${decimalText(saldo?.saldoInsoluto) ?? ''}">
            ${saldo ? amount(saldo.saldoInsoluto, saldo.monedaDR) : '—'}
          </td>
        </tr>`;
      })}
    </tbody>
  </table>`;
}

function paymentDocuments(context: PageContext, cfdi: PagoCfdi): SafeHtml {
  const { t } = context;
  return html`<section class="card cfdi-pagos" aria-labelledby="h-pagos" data-pagos="pago">
    <h2 id="h-pagos">${t('cfdi.pagos.liquida')}</h2>
    ${
      cfdi.pagos.length === 0
        ? html`<p class="empty">${t('cfdi.pagos.sinComplemento')}</p>`
        : cfdi.pagos.map((pago) => pagoTable(context, pago, cfdi))
    }
  </section>`;
}

/**
 * The document page's payments: an invoice lists the partialities that settle it and its balance; a
 * payment CFDI lists, per `Pago`, the invoices it settles. Amounts as the complement wrote them.
 */
export function paymentsSection(context: PageContext, pagos: NonNullable<CfdiDocument['pagos']>): SafeHtml {
  return pagos.kind === 'pago'
    ? paymentDocuments(context, pagos.pago)
    : invoicePayments(context, pagos.factura);
}
