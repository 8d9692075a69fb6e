import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { generator, mutate, mutateWellFormed } from '../../helpers/envelope-mutations';
import { S11, S12, post, textOf } from '../soap-infra/soap-fetch';
import { startTestApp, type PostgresTestApp } from '../../helpers/app';
import { demoDigestHeader } from '../../helpers/soap-auth-calls';

/*
 * The real service, handlers and database included, under thousands of mutated envelopes built from
 * the contract cases of fixtures/soap: every answer is an envelope of ours (a response, or a Fault
 * with a DM code), never an internal error or a stack trace, and the service still answers afterwards.
 */

const TNS = 'urn:descarga-masiva:v1';
const casesDirectory = path.join(__dirname, '../../../fixtures/soap');
const NAMES =
  /RegistrarSolicitud|RecuperarSolicitud|RecuperarListaSolicitudes|ConsultarCfdi|RecuperarCfdi|Rfc|Filtro|Uuid|FechaInicial|Body|Envelope/;

const SEEDS = readdirSync(casesDirectory)
  .sort()
  .flatMap((name) => {
    const operation = name.split('__')[0] as string;
    const body = readFileSync(path.join(casesDirectory, name, 'request.xml'), 'utf8').trim();
    return (['1.1', '1.2'] as const).map((version) => ({
      version,
      action: `${TNS}/${operation}`,
      // `t:` is the prefix the well-formed mutations insert elements with: bound to our namespace.
      xml: `<env:Envelope xmlns:env="${version === '1.1' ? S11 : S12}" xmlns:t="${TNS}"><env:Header>{{security}}</env:Header><env:Body>${body}</env:Body></env:Envelope>`,
    }));
  });

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};

describe('fuzzing the DescargaMasiva service', () => {
  let application: PostgresTestApp;

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    application = await startTestApp({
      name: 'dm_soap_fuzz',
      env: {
        WORKERS_ENABLED: 'false',
        RATE_LIMIT_PER_MINUTE: '100000',
        // Mutated security headers fail authentication by the hundred: not what this test is about.
        AUTH_FAILURES_PER_IP: '100000',
        AUTH_FAILURES_PER_USERNAME: '100000',
      },
    });
  });

  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await application.close();
  });

  it('answers every mutated envelope with a response or a Fault of ours, and stays up', async () => {
    const random = generator(Number(process.env.SOAP_FUZZ_SEED ?? 20261125));
    const url = `${application.url}/soap/DescargaMasiva`;
    const cases = 3000;
    const codes = new Map<string, number>();
    const problems: string[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < cases) {
        const index = next;
        next += 1;
        const seed = SEEDS[index % SEEDS.length] as (typeof SEEDS)[number];
        const fresh = seed.xml.replace('{{security}}', demoDigestHeader());
        const xml = random() < 0.5 ? mutate(fresh, random, NAMES) : mutateWellFormed(fresh, random);
        const action = random() < 0.9 ? seed.action : `${TNS}/Desconocida`;
        const answer = await post(url, xml, { version: seed.version, action });
        const root = answer.document.documentElement;
        const code = textOf(answer.document, TNS, 'Codigo');
        const isEnvelope = root?.localName === 'Envelope' && [S11, S12].includes(root.namespaceURI ?? '');
        const valid = answer.status === 200 ? code === undefined : /^DM-\d{4}$/.test(code ?? '');
        if (!isEnvelope || !valid || /\bat .+:\d+|Error:/.test(answer.text))
          problems.push(
            `case ${index}: ${xml.slice(0, 500)}\n=> ${answer.status} ${answer.text.slice(0, 500)}`,
          );
        const key = answer.status === 200 ? 'ok' : (code as string);
        codes.set(key, (codes.get(key) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    console.log('DescargaMasiva fuzz outcomes', Object.fromEntries(codes));
    expect(problems.slice(0, 5)).toEqual([]);
    expect(unhandled).toEqual([]);
    expect(codes.get('DM-1000') ?? 0).toBe(0);
    expect(codes.get('ok') ?? 0).toBeGreaterThan(0);
    const after = await post(
      url,
      `<env:Envelope xmlns:env="${S11}"><env:Header>${demoDigestHeader()}</env:Header><env:Body><dm:RecuperarListaSolicitudes xmlns:dm="${TNS}"/></env:Body></env:Envelope>`,
      { action: `${TNS}/RecuperarListaSolicitudes` },
    );
    expect(after.status).toBe(200);
  });
});
