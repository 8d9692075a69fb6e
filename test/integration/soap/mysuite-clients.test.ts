import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createDataSource, Tenant } from '../../../src/db';
import { startSatSimulator, type RunningSatSimulator } from '../../../src/sat-simulator';
import { ApiUserService } from '../../../src/services/accounts';
import { SecretBox, generateMasterKey } from '../../../src/services/secrets';
import { TestCa } from '../../helpers/test-ca';
import { startTestApp, type PostgresTestApp } from '../../helpers/app';

/*
 * An ERP integrated with MYSuite, unchanged but for the URL: Python zeep and PHP SoapClient read
 * FactWSFront.asmx?WSDL and drive the whole story through RequestTransaction over SOAP 1.1 and 1.2 —
 * register with fan-out and the e.firma inline (the tenant has no FIEL and no RFC before the call),
 * poll, link, download and check the SHA-256, list in JSON and XML.
 */

const examples = path.join(__dirname, '../../../docs/examples/mysuite');
const RFC = 'MSU081024AB1';
jest.setTimeout(240_000);

interface Story {
  soapVersion: string;
  registered: number;
  servicios: string[];
  estados: string[];
  sha256Ok: boolean;
  linkInData: boolean;
  jsonTotal: number;
  jsonTiposDocumento: string[];
  jsonTiposSolicitud: string[];
  xmlTotal: number;
  xmlPages: number;
  xmlRows: number;
  missingResult: boolean;
  missingCode: number;
}

describe('MYSuite RequestTransaction from independent clients', () => {
  const ca = new TestCa();
  let simulator: RunningSatSimulator;
  let application: PostgresTestApp;
  let requestor: string;
  let fielDirectory: string;
  let fielFiles: string[];

  beforeAll(async () => {
    simulator = await startSatSimulator({
      delaySeconds: 0,
      documentsPerDay: 4,
      trustedAuthorities: [ca.certificate],
    });
    application = await startTestApp({
      name: 'dm_mysuite_clients',
      env: {
        SAT_BASE_URL: simulator.url,
        VERIFY_INITIAL_DELAY_SECONDS: '1',
      },
    });

    const dataSource = createDataSource({ url: application.database.url, poolSize: 1 });
    await dataSource.initialize();
    const tenant = await dataSource
      .getRepository(Tenant)
      .save({ slug: 'erp-mysuite', nombre: 'ERP MYSuite' });
    requestor = (
      await new ApiUserService(dataSource, new SecretBox(generateMasterKey(), [])).create(tenant.id, 'erp')
    ).requestor;
    await dataSource.destroy();

    const fiel = ca.mint({ rfc: RFC, name: 'MIGRACION SUITE SA DE CV' });
    fielDirectory = await mkdtemp(path.join(tmpdir(), 'dm-mysuite-fiel-'));
    fielFiles = [
      path.join(fielDirectory, 'fiel.cer'),
      path.join(fielDirectory, 'fiel.key'),
      path.join(fielDirectory, 'password.txt'),
    ];
    await writeFile(fielFiles[0] as string, fiel.certificate);
    await writeFile(fielFiles[1] as string, fiel.privateKey);
    await writeFile(fielFiles[2] as string, fiel.password);
  });

  afterAll(async () => {
    await application.close();
    await simulator.close();
    await rm(fielDirectory, { recursive: true, force: true });
  });

  async function run(command: string, script: string, days: [string, string], version: string) {
    const { stdout } = await promisify(execFile)(
      command,
      [path.join(examples, script), application.url, requestor, RFC, ...days, version, ...fielFiles],
      { encoding: 'utf8', timeout: 200_000, env: { PATH: process.env.PATH, HOME: process.env.HOME } },
    );
    return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Story;
  }

  function expectWholeStory(story: Story, version: string): void {
    expect(story.soapVersion).toBe(version);
    // Servicio AMBOS × TipoSolicitud AMBOS, one TipoTaxID: four solicitudes.
    expect(story.registered).toBe(4);
    expect(story.servicios).toEqual(['CFDIS', 'RETENCIONES']);
    expect(story.estados).toHaveLength(4);
    expect(story.estados.every((estado) => estado === 'Completada' || estado === 'SinDatos')).toBe(true);
    expect(story.estados).toContain('Completada');
    expect(story.sha256Ok).toBe(true);
    expect(story.linkInData).toBe(true);
    // Filter Servicio = RETENCIONES on this period, ordered by TipoSolicitud ASC.
    expect(story.jsonTotal).toBe(2);
    expect(story.jsonTiposDocumento).toEqual(['Retenciones']);
    expect(story.jsonTiposSolicitud).toEqual(['CFDI', 'Metadata']);
    // Page 2 of 1-row pages over the four solicitudes of the period.
    expect(story.xmlTotal).toBe(4);
    expect(story.xmlPages).toBe(4);
    expect(story.xmlRows).toBe(1);
    expect(story.missingResult).toBe(false);
    expect(story.missingCode).toBe(9009);
  }

  it.each([
    ['Python zeep', '1.1', '/usr/bin/python3', 'request_transaction.py', ['2026-03-02', '2026-03-03']],
    ['Python zeep', '1.2', '/usr/bin/python3', 'request_transaction.py', ['2026-03-09', '2026-03-10']],
    ['PHP SoapClient', '1.1', 'php', 'request_transaction.php', ['2026-03-16', '2026-03-17']],
    ['PHP SoapClient', '1.2', 'php', 'request_transaction.php', ['2026-03-23', '2026-03-24']],
  ] as const)('%s over SOAP %s drives the whole story', async (_client, version, command, script, days) => {
    expectWholeStory(await run(command, script, [days[0], days[1]], version), version);
  });
});
