import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { loadConfig } from '../../../src/config';
import { createLogger } from '../../../src/logging';
import { startApplication, type RunningApplication } from '../../../src/main';
import { createEmptyDatabase, type EmptyDatabase } from '../../helpers/empty-database';

/*
 * The documented examples, run as they are by independent SOAP stacks against the running server:
 * Python's zeep, PHP's SoapClient, Ruby's Net::HTTP + REXML and C# on Mono (Debian packages installed by
 * .ci/run from .ci/apt-packages.txt), Java's HttpClient + DOM (JDK 17), node-soap, and plain curl.
 * Each does the whole story: register, poll until Completada, fetch a package through its link and
 * check its SHA-256, list with filter, order and page size, search the CFDI index and fetch one XML.
 * Each uses a period of its own, so none meets another's solicitud as Duplicada in the ledger.
 */

const examples = path.join(__dirname, '../../../docs/examples');

interface Story {
  idSolicitud: string;
  estado: string;
  paquetes: number;
  sha256Ok: boolean;
  listTotal: number | string;
  listed: string[];
  cfdiTotal: number | string;
  uuid: string;
  xmlHasUuid: boolean;
}

describe('independent SOAP clients against the running server', () => {
  let database: EmptyDatabase;
  let application: RunningApplication;

  beforeAll(async () => {
    database = await createEmptyDatabase('dm_independent_clients');
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: database.url,
      MASTER_KEY: Buffer.alloc(32, 9).toString('base64'),
      SAT_MODE: 'simulator',
      SIMULATOR_DELAY_SECONDS: '0',
      VERIFY_INITIAL_DELAY_SECONDS: '1',
      DATA_DIR: '/tmp/dm-independent-clients-test',
    });
    application = await startApplication(config, createLogger({ stream: new PassThrough() }), {
      announce: () => undefined,
    });
  });

  afterAll(async () => {
    await application.close();
    await database.drop();
  });

  const exec = promisify(execFile);

  async function run(command: string, args: string[]): Promise<Story> {
    const { stdout } = await exec(command, args, {
      encoding: 'utf8',
      timeout: 120_000,
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
    });
    return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Story;
  }

  function expectWholeStory(story: Story): void {
    expect(story.estado).toBe('Completada');
    expect(story.paquetes).toBeGreaterThan(0);
    expect(story.sha256Ok).toBe(true);
    expect(Number(story.listTotal)).toBeGreaterThanOrEqual(1);
    // Newest registration first, two per page: the one just made is at the top.
    expect(story.listed[0]).toBe(story.idSolicitud);
    expect(story.listed.length).toBeLessThanOrEqual(2);
    expect(Number(story.cfdiTotal)).toBeGreaterThan(0);
    expect(story.uuid).toMatch(/^[0-9a-f-]{36}$/i);
    expect(story.xmlHasUuid).toBe(true);
  }

  it('Python zeep (WS-Security UsernameToken)', async () => {
    expectWholeStory(
      await run('/usr/bin/python3', [
        path.join(examples, 'python/descarga_masiva.py'),
        application.url,
        'demo',
        'demo',
        '2026-05-01',
        '2026-05-10',
      ]),
    );
  });

  it('PHP SoapClient (HTTP Basic)', async () => {
    expectWholeStory(
      await run('php', [
        path.join(examples, 'php/descarga_masiva.php'),
        application.url,
        'demo',
        'demo',
        '2026-06-01',
        '2026-06-10',
      ]),
    );
  });

  it('curl and xmllint (the shell example of docs/integration.md)', async () => {
    expectWholeStory(
      await run('bash', [
        path.join(examples, 'curl/descarga-masiva.sh'),
        application.url,
        'demo',
        'demo',
        '2026-07-01',
        '2026-07-10',
      ]),
    );
  });

  it('Java 17 HttpClient and DOM (WS-Security PasswordDigest, SOAP 1.1)', async () => {
    expectWholeStory(
      await run('java', [
        path.join(examples, 'java/DescargaMasiva.java'),
        application.url,
        'demo',
        'demo',
        '2026-08-01',
        '2026-08-10',
      ]),
    );
  });

  it('Ruby Net::HTTP and REXML (WS-Security PasswordText with Created, SOAP 1.2)', async () => {
    expectWholeStory(
      await run('ruby', [
        path.join(examples, 'ruby/descarga_masiva.rb'),
        application.url,
        'demo',
        'demo',
        '2026-09-01',
        '2026-09-10',
      ]),
    );
  });

  it('JavaScript node-soap (WS-Security PasswordDigest, client built from the WSDL)', async () => {
    expectWholeStory(
      await run(process.execPath, [
        path.join(examples, 'javascript/descarga-masiva.js'),
        application.url,
        'demo',
        'demo',
        '2026-10-01',
        '2026-10-10',
      ]),
    );
  });

  it('C# HttpClient and XDocument, compiled by Mono (HTTP Basic, SOAP 1.2)', async () => {
    const build = await mkdtemp(path.join(tmpdir(), 'dm-csharp-example-'));
    try {
      const program = path.join(build, 'DescargaMasiva.exe');
      await exec('mcs', [
        '-warnaserror',
        '-r:System.Net.Http.dll',
        '-r:System.Xml.Linq.dll',
        `-out:${program}`,
        path.join(examples, 'csharp/DescargaMasiva.cs'),
      ]);
      expectWholeStory(
        await run('mono', [program, application.url, 'demo', 'demo', '2026-11-01', '2026-11-10']),
      );
    } finally {
      await rm(build, { recursive: true, force: true });
    }
  });
});
