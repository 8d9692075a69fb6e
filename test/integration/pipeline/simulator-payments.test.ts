import type * as soap from 'soap';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../../src/db';
import { PagosService } from '../../../src/services/pagos';
import { startSatSimulator, type RunningSatSimulator } from '../../../src/sat-simulator';
import { Corpus, type CorpusDoctoRelacionado, type CorpusDocument } from '../../../src/sat-simulator/corpus';
import { fromMexicoTime, mexicoDay } from '../../../src/sat-simulator/mexico-time';
import { startTestApp, type PostgresTestApp } from '../../helpers/app';
import { finalState as finalRow } from '../../helpers/solicitud-checks';

/*
 * The simulator's payment CFDIs (Pagos 1.0 on CFDI 3.3, Pagos 2.0 on CFDI 4.0) downloaded by the
 * product as SAT would send them and indexed by the pipeline: one row per Pago and DoctoRelacionado,
 * and every invoice of the corpus they settle with the balance an independent reading of the corpus
 * (same seed) gives, among them one paid in three or more partialities across both versions.
 */

const RFC = 'EKU9003173C9';
const SEED = 'pipeline-payments';
const DOCUMENTS_PER_DAY = 8;
const cents = (amount: string | null | undefined): number => Math.round(Number(amount) * 100);

interface Partiality {
  readonly payment: CorpusDocument;
  readonly docto: CorpusDoctoRelacionado;
}

/** The corpus's own invoices settled by the given payments, each with its partialities in order. */
function settled(
  documents: readonly CorpusDocument[],
  invoices: ReadonlySet<string>,
): Map<string, Partiality[]> {
  const found = new Map<string, Partiality[]>();
  const payments = documents
    .filter((document) => document.pagos)
    .sort((a, b) => a.fechaEmision.getTime() - b.fechaEmision.getTime());
  for (const payment of payments)
    for (const pago of payment.pagos ?? [])
      for (const docto of pago.documentos)
        if (invoices.has(docto.idDocumento))
          found.set(docto.idDocumento, [...(found.get(docto.idDocumento) ?? []), { payment, docto }]);
  return found;
}

describe('payment complements from the simulator, through the pipeline', () => {
  const corpus = new Corpus({ documentsPerDay: DOCUMENTS_PER_DAY, seed: SEED });
  let simulator: RunningSatSimulator;
  let application: PostgresTestApp;
  let client: soap.Client;
  let dataSource: DataSource;

  beforeAll(async () => {
    simulator = await startSatSimulator({
      delaySeconds: 0,
      documentsPerDay: DOCUMENTS_PER_DAY,
      seed: SEED,
      perPackage: 40,
    });
    application = await startTestApp({
      name: 'dm_simulator_payments',
      env: { SAT_BASE_URL: simulator.url, VERIFY_INITIAL_DELAY_SECONDS: '1' },
    });
    client = await application.soapClient();
    dataSource = createDataSource({ url: application.database.url, poolSize: 2, applicationName: 'dm-test' });
    await dataSource.initialize();
  });

  afterAll(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    await application?.close();
    await simulator?.close();
  });

  async function finalState(idSolicitud: string): Promise<string> {
    return (await finalRow(application.pg, idSolicitud, 90_000)).estado;
  }

  it('indexes every Pago and DoctoRelacionado, and gives each settled invoice the corpus’s balance', async () => {
    // An invoice of 2022 (CFDI 3.3 and 4.0 side by side) paid in three or more partialities, in both
    // complement versions; the period runs from its issue to its last partiality.
    const year = [
      ...corpus.documents(RFC, 'cfdi', new Date('2022-01-01T06:00:00Z'), new Date('2023-01-01T06:00:00Z')),
    ].filter((document) => document.rfcEmisor === RFC);
    const invoices = new Set(
      year.filter((document) => document.efecto === 'I').map((document) => document.uuid),
    );
    const [chosen, partialities] = [...settled(year, invoices)].find(
      ([, list]) => list.length >= 3 && new Set(list.map(({ payment }) => payment.complemento)).size === 2,
    ) as [string, Partiality[]];
    const invoice = year.find((document) => document.uuid === chosen) as CorpusDocument;
    const from = `${mexicoDay(invoice.fechaEmision)}T00:00:00`;
    const to = `${mexicoDay(partialities.at(-1)?.payment.fechaEmision as Date)}T23:59:59`;

    const [answer] = await client.RegistrarSolicitudAsync({
      Rfc: RFC,
      FechaInicial: from,
      FechaFinal: to,
      Contexto: 'Emitidos',
      TipoSolicitud: 'CFDI',
      TipoDocumento: 'CFDI',
    });
    const registered = ([] as { IdSolicitud?: string; Estado: string }[]).concat(
      answer.Resultados.Resultado,
    )[0];
    expect(registered?.Estado).toBe('Registrada');
    const id = registered?.IdSolicitud as string;
    expect(await finalState(id)).toBe('Completada');
    const [{ tenantId } = { tenantId: '' }] = await dataSource.query<{ tenantId: string }[]>(
      'SELECT tenant_id::text AS "tenantId" FROM solicitudes WHERE id = $1',
      [id],
    );

    // What SAT sends for the period: every document the RFC issued in it, cancelled ones too.
    const start = fromMexicoTime(from) as Date;
    const end = new Date((fromMexicoTime(to) as Date).getTime() + 1000);
    const period = [...corpus.documents(RFC, 'cfdi', start, end)].filter(
      (document) => document.rfcEmisor === RFC,
    );
    const payments = period.filter((document) => document.pagos);
    const [stored] = await dataSource.query<{ pagos: number; documentos: number; v1: number }[]>(
      `SELECT (SELECT count(*)::int FROM cfdi_pagos WHERE tenant_id = $1) AS pagos,
              (SELECT count(*)::int FROM cfdi_pagos WHERE tenant_id = $1 AND version_pagos = '1.0') AS v1,
              (SELECT count(*)::int FROM cfdi_pago_documentos WHERE tenant_id = $1) AS documentos`,
      [tenantId],
    );
    expect(stored).toEqual({
      pagos: payments.reduce((sum, document) => sum + (document.pagos?.length ?? 0), 0),
      v1: payments
        .filter((document) => document.version === '3.3')
        .reduce((sum, document) => sum + (document.pagos?.length ?? 0), 0),
      documentos: payments.reduce(
        (sum, document) =>
          sum + (document.pagos ?? []).reduce((count, pago) => count + pago.documentos.length, 0),
        0,
      ),
    });

    const service = new PagosService(dataSource);
    const expected = settled(period, invoices);
    expect(expected.get(chosen)?.length).toBe(partialities.length);
    for (const [uuid, list] of expected) {
      const found = await service.forInvoice(tenantId, uuid);
      const last = list.at(-1)?.docto;
      expect([found.idDocumento, found.saldo?.parcialidades, found.saldo?.ultimaParcialidad]).toEqual([
        uuid.toLowerCase(),
        list.length,
        last?.numParcialidad,
      ]);
      expect(cents(found.saldo?.saldoInsoluto)).toBe(cents(last?.impSaldoInsoluto));
      expect(cents(found.saldo?.totalPagado)).toBe(
        list.reduce((sum, { docto }) => sum + cents(docto.impPagado), 0),
      );
      expect(found.parcialidades.map((item) => [item.pago.uuid, item.numParcialidad])).toEqual(
        list.map(({ payment, docto }) => [payment.uuid.toLowerCase(), docto.numParcialidad]),
      );
    }
    const chosenBalance = await service.forInvoice(tenantId, chosen);
    expect(new Set(chosenBalance.parcialidades.map((item) => item.pago.version))).toEqual(
      new Set(['1.0', '2.0']),
    );
    expect(cents(chosenBalance.saldo?.totalPagado) + cents(chosenBalance.saldo?.saldoInsoluto)).toBe(
      cents(invoice.monto),
    );
  });
});
