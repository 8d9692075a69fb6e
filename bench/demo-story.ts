/**
 * The demo story as a first-time user lives it: the service started as `npm start` starts it (embedded
 * PostgreSQL, local object store, SAT simulator, workers on; every setting at its default, a fresh
 * DATA_DIR), one RegistrarSolicitud for the demo RFC (Emitidos, CFDI, the last full quarter), then
 * RecuperarSolicitud every 250 ms until Completada. Prints the seconds from registration to the first
 * answer saying Completada, the time in each state as the polls saw it and as the answer's Historial
 * records it, and (with `--jobs`) every job run the service logged, relative to registration.
 *
 *   npx tsx bench/demo-story.ts [--zeep] [--jobs] [--runs N]
 *
 * `--zeep` registers and polls with Python zeep instead of raw SOAP over HTTP (Debian: python3-zeep),
 * the client a real user of the Python example would have. The service is started from the sources
 * through tsx (as the CLI tests do): start-up differs from `node dist/`, the story after it does not.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DOMParser, type Document, type Element } from '@xmldom/xmldom';
import { type AppProcess, spawnApp } from '../test/helpers/app-process';

const DEMO = { username: 'demo', password: 'demo', rfc: 'EKU9003173C9' };
const POLL_MS = 250;
const GIVE_UP_MS = 120_000;
const NS = 'urn:descarga-masiva:v1';
const useZeep = process.argv.includes('--zeep');
const showJobs = process.argv.includes('--jobs');
const runsIndex = process.argv.indexOf('--runs');
const runs = runsIndex > 0 ? Number(process.argv[runsIndex + 1]) : 1;

/** The service as `npm start` runs it, with a fresh DATA_DIR, and every line it logged. */
async function startService(dataDir: string): Promise<{ service: AppProcess; lines: string[] }> {
  const lines: string[] = [];
  let partial = '';
  const service = await spawnApp(
    // Debug only adds lines (job runs with their ids); it changes no timing setting.
    { DATA_DIR: dataDir, ...(showJobs ? { LOG_LEVEL: 'debug' } : {}) },
    {
      onOutput: (chunk) => {
        const parts = (partial + chunk.toString()).split('\n');
        partial = parts.pop() ?? '';
        lines.push(...parts);
      },
    },
  );
  return { service, lines };
}

/** The last full calendar quarter before today, in Mexico City wall-clock time, as FechaHora. */
function lastFullQuarter(now = new Date()): { inicial: string; final: string } {
  const [year, month] = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'America/Mexico_City',
    year: 'numeric',
    month: '2-digit',
  })
    .format(now)
    .split('-')
    .map(Number) as [number, number];
  let quarter = Math.floor((month - 1) / 3) - 1;
  let qYear = year;
  if (quarter < 0) {
    quarter = 3;
    qYear -= 1;
  }
  const firstMonth = quarter * 3 + 1;
  const lastMonth = firstMonth + 2;
  const lastDay = new Date(Date.UTC(qYear, lastMonth, 0)).getUTCDate();
  const pad = (value: number): string => String(value).padStart(2, '0');
  return {
    inicial: `${qYear}-${pad(firstMonth)}-01T00:00:00`,
    final: `${qYear}-${pad(lastMonth)}-${pad(lastDay)}T23:59:59`,
  };
}

function envelope(body: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ' +
    `xmlns:dm="${NS}" ` +
    'xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">' +
    '<soapenv:Header><wsse:Security soapenv:mustUnderstand="1"><wsse:UsernameToken>' +
    `<wsse:Username>${DEMO.username}</wsse:Username>` +
    '<wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText">' +
    `${DEMO.password}</wsse:Password></wsse:UsernameToken></wsse:Security></soapenv:Header>` +
    `<soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`
  );
}

async function call(url: string, operation: string, body: string): Promise<Document> {
  const answer = await fetch(`${url}/soap/DescargaMasiva`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: `"${NS}/${operation}"` },
    body: envelope(body),
  });
  const text = await answer.text();
  if (!answer.ok) throw new Error(`${operation}: HTTP ${answer.status}\n${text.slice(0, 2000)}`);
  return new DOMParser().parseFromString(text, 'text/xml');
}

function childText(parent: Element, name: string): string | undefined {
  for (let node = parent.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === 1 && (node as Element).localName === name) return node.textContent ?? '';
  }
  return undefined;
}

interface Observation {
  readonly atMs: number;
  readonly estado: string;
}

interface Story {
  readonly seconds: number;
  readonly polls: number;
  readonly observed: Observation[];
  readonly historial: { estado: string; fecha: string }[];
  readonly paquetes: number;
  readonly registeredAt: number;
}

async function rawStory(url: string, period: { inicial: string; final: string }): Promise<Story> {
  const registeredAt = Date.now();
  const registered = await call(
    url,
    'RegistrarSolicitud',
    `<dm:RegistrarSolicitud><dm:Rfc>${DEMO.rfc}</dm:Rfc><dm:FechaInicial>${period.inicial}</dm:FechaInicial>` +
      `<dm:FechaFinal>${period.final}</dm:FechaFinal><dm:Contexto>Emitidos</dm:Contexto>` +
      `<dm:TipoSolicitud>CFDI</dm:TipoSolicitud><dm:ReferenciaCliente>bench-${registeredAt}</dm:ReferenciaCliente>` +
      '</dm:RegistrarSolicitud>',
  );
  const id = registered.getElementsByTagNameNS(NS, 'IdSolicitud')[0]?.textContent;
  if (!id) throw new Error('RegistrarSolicitud answered no IdSolicitud');
  const observed: Observation[] = [];
  let polls = 0;
  for (;;) {
    const answer = await call(
      url,
      'RecuperarSolicitud',
      `<dm:RecuperarSolicitud><dm:IdSolicitud>${id}</dm:IdSolicitud></dm:RecuperarSolicitud>`,
    );
    polls += 1;
    const atMs = Date.now() - registeredAt;
    const solicitud = answer.getElementsByTagNameNS(NS, 'Solicitud')[0];
    if (!solicitud) throw new Error('RecuperarSolicitud answered no Solicitud');
    const estado = childText(solicitud, 'Estado') ?? '?';
    if (observed.at(-1)?.estado !== estado) observed.push({ atMs, estado });
    if (estado === 'Completada' || ['SinDatos', 'Rechazada', 'Error', 'Vencida'].includes(estado)) {
      const cambios = Array.from(answer.getElementsByTagNameNS(NS, 'Cambio'));
      return {
        seconds: atMs / 1000,
        polls,
        observed,
        historial: cambios.map((cambio) => ({
          estado: childText(cambio, 'Estado') ?? '?',
          fecha: childText(cambio, 'Fecha') ?? '?',
        })),
        paquetes: answer.getElementsByTagNameNS(NS, 'Paquete').length,
        registeredAt,
      };
    }
    if (atMs > GIVE_UP_MS) throw new Error(`still ${estado} after ${GIVE_UP_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** The same story from Python zeep (WSDL-generated client, UsernameToken PasswordText). */
const ZEEP_SCRIPT = `
import json, sys, time
from zeep import Client
from zeep.wsse.username import UsernameToken
base, inicial, final = sys.argv[1:4]
client = Client(f"{base}/soap/DescargaMasiva?wsdl", wsse=UsernameToken("${DEMO.username}", "${DEMO.password}"))
started = time.time()
registered = client.service.RegistrarSolicitud(Rfc="${DEMO.rfc}", FechaInicial=inicial, FechaFinal=final,
    Contexto="Emitidos", TipoSolicitud="CFDI", ReferenciaCliente=f"zeep-{int(started)}")
ident = registered[0].IdSolicitud
observed, polls = [], 0
while True:
    s = client.service.RecuperarSolicitud(IdSolicitud=ident)
    polls += 1
    at = time.time() - started
    if not observed or observed[-1][1] != s.Estado:
        observed.append([round(at * 1000), s.Estado])
    if s.Estado in ("Completada", "SinDatos", "Rechazada", "Error", "Vencida") or at > ${GIVE_UP_MS / 1000}:
        break
    time.sleep(${POLL_MS / 1000})
historial = [{"estado": c.Estado, "fecha": c.Fecha} for c in (s.Historial.Cambio or [])]
print(json.dumps({"seconds": at, "polls": polls, "observed": observed, "historial": historial,
    "paquetes": len(s.Paquetes.Paquete or []), "startedAt": started}))
`;

function zeepStory(url: string, period: { inicial: string; final: string }): Story {
  const result = spawnSync('/usr/bin/python3', ['-c', ZEEP_SCRIPT, url, period.inicial, period.final], {
    encoding: 'utf8',
    timeout: GIVE_UP_MS + 30_000,
  });
  if (result.status !== 0) throw new Error(`zeep story failed:\n${result.stderr}`);
  const parsed = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as {
    seconds: number;
    polls: number;
    observed: [number, string][];
    historial: { estado: string; fecha: string }[];
    paquetes: number;
    startedAt: number;
  };
  return {
    seconds: parsed.seconds,
    polls: parsed.polls,
    observed: parsed.observed.map(([atMs, estado]) => ({ atMs, estado })),
    historial: parsed.historial,
    paquetes: parsed.paquetes,
    registeredAt: Math.round(parsed.startedAt * 1000),
  };
}

function describe(story: Story): string[] {
  const lines = [];
  // The last state is where the story ends: it has no time of its own.
  const spans = story.observed.slice(0, -1).map((observation, index) => {
    const end = story.observed[index + 1]?.atMs ?? story.seconds * 1000;
    return `${observation.estado} ${((end - observation.atMs) / 1000).toFixed(2)} s`;
  });
  lines.push(
    `  states as polled (first seen at, ${POLL_MS} ms polls): ${story.observed
      .map((observation) => `${observation.estado}@${(observation.atMs / 1000).toFixed(2)}`)
      .join(' -> ')}`,
  );
  lines.push(`  time in each state as polled: ${spans.join(', ')}`);
  // Historial dates have whole seconds (FechaHora): good to a second, no finer.
  const toMs = (fecha: string): number => Date.parse(`${fecha}Z`);
  const historial = story.historial.map((cambio, index) => {
    const next = story.historial[index + 1];
    return next ? `${cambio.estado} ${(toMs(next.fecha) - toMs(cambio.fecha)) / 1000} s` : cambio.estado;
  });
  lines.push(`  Historial (whole seconds): ${historial.join(', ')}`);
  return lines;
}

/** Job lines of the service's debug log, relative to registration: where the time between states goes. */
function jobTimeline(lines: string[], registeredAt: number): string[] {
  const out: string[] = [];
  for (const line of lines) {
    if (!line.startsWith('{')) continue;
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    const at = Date.parse(String(entry.timestamp ?? ''));
    if (!Number.isFinite(at) || at < registeredAt - 1000) continue;
    if (entry.job === undefined && !/sat|SAT|job/.test(String(entry.message))) continue;
    const value = (name: string): string => {
      const raw = entry[name];
      const time = typeof raw === 'string' ? Date.parse(raw) : Number.NaN;
      // Dates as offsets from registration, like the line's own time.
      if (name === 'runAgainAt' && Number.isFinite(time))
        return `+${((time - registeredAt) / 1000).toFixed(3)}`;
      return typeof raw === 'object' ? JSON.stringify(raw) : String(raw);
    };
    // The key (an id) is redacted in the log; the job's name and times are what tell the story.
    const fields = ['job', 'ms', 'runAgainAt', 'code']
      .filter((name) => entry[name] !== undefined)
      .map((name) => `${name}=${value(name)}`)
      .join(' ');
    out.push(`  +${((at - registeredAt) / 1000).toFixed(3)} s ${String(entry.message)} ${fields}`);
  }
  return out;
}

async function main(): Promise<void> {
  const period = lastFullQuarter();
  const figures: number[] = [];
  for (let run = 1; run <= runs; run += 1) {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'dm-bench-demo-'));
    const { service, lines } = await startService(dataDir);
    try {
      const story = useZeep ? zeepStory(service.url, period) : await rawStory(service.url, period);
      figures.push(story.seconds);
      console.log(
        `demo story (${useZeep ? 'python3-zeep' : 'raw SOAP'}) Emitidos CFDI ${period.inicial}..${period.final}: ` +
          `${story.observed.at(-1)?.estado} in ${story.seconds.toFixed(2)} s, ${story.polls} polls, ` +
          `${story.paquetes} package(s)`,
      );
      for (const line of describe(story)) console.log(line);
      if (showJobs) for (const line of jobTimeline(lines, story.registeredAt)) console.log(line);
    } finally {
      await service.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  if (runs > 1) {
    const sorted = [...figures].sort((a, b) => a - b);
    console.log(
      `runs ${runs}: min ${sorted[0]?.toFixed(2)} s, median ${sorted[Math.floor(runs / 2)]?.toFixed(2)} s, ` +
        `max ${sorted.at(-1)?.toFixed(2)} s`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
