import {
  DIFFERENCE_CLASSES,
  type ReconciliationClass,
  type ReconciliationReport,
  type ReconciliationService,
} from '../../services/reconciliation';
import type { SoapInput } from '../infra/soap-call-context';
import { flag, text } from '../shared/input';
import { pageRequested, pageTotals } from './paging';
import { compact, fecha } from '../shared/output';

/**
 * The differences the contract's first version named. XmlSinMetadata came later: it is listed (and
 * counted) only when the client asks with IncluirXmlSinMetadata, so a client generated from the first
 * WSDL never meets a Tipo its enumeration lacks.
 */
const FIRST_DIFFERENCES: readonly ReconciliationClass[] = DIFFERENCE_CLASSES.filter(
  (clase) => clase !== 'XmlSinMetadata',
);

function resumen(report: ReconciliationReport, withUnmatched: boolean): Record<string, unknown> {
  const { totales } = report;
  return {
    DocumentosEnMetadata: report.documentosEnMetadata,
    ConXml: totales.ConXml,
    SinXml: totales.SinXml,
    XmlDeCancelados: totales.XmlDeCancelado,
    RecibidosCanceladosSinXml: totales.RecibidoCanceladoSinXml,
    ...(withUnmatched ? { XmlSinMetadata: totales.XmlSinMetadata } : {}),
  };
}

/** ConsultarConciliacion: the RFC's period reconciled, with the differences a page at a time. */
export async function consultarConciliacion(
  reconciliation: ReconciliationService,
  tenantId: string,
  input: SoapInput,
): Promise<Record<string, unknown>> {
  const withUnmatched = flag('IncluirXmlSinMetadata', input.IncluirXmlSinMetadata) ?? false;
  const report = await reconciliation.report(tenantId, {
    rfc: text(input.Rfc),
    fechaInicial: text(input.FechaInicial),
    fechaFinal: text(input.FechaFinal),
    contexto: text(input.Contexto),
    clases: withUnmatched ? DIFFERENCE_CLASSES : FIRST_DIFFERENCES,
    ...pageRequested(input),
  });
  return {
    Resumen: resumen(report, withUnmatched),
    Diferencias: {
      Diferencia: report.filas.rows.map((row) =>
        compact({
          Uuid: row.uuid,
          Tipo: row.clase,
          RfcEmisor: row.rfcEmisor ?? '',
          RfcReceptor: row.rfcReceptor ?? '',
          FechaEmision: fecha(row.fechaEmision),
          Estatus: row.estatus ?? undefined,
        }),
      ),
    },
    ...pageTotals(report.filas),
  };
}
