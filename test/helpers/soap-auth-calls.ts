import { createHash, randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';

/*
 * Raw calls to /soap/DescargaMasiva with every way of authenticating, and web sign-ins, from a chosen
 * loopback source address (Linux answers all of 127.0.0.0/8), so tests can play several clients against one server.
 */

const TNS = 'urn:descarga-masiva:v1';
const S11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const WSSE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
const WSU = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
const PROFILE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0';
const BASE64_BINARY =
  'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary';

export type Credentials =
  | { readonly basic: { readonly username: string; readonly password: string } }
  | { readonly text: { readonly username: string; readonly password: string } }
  | { readonly digestHeader: string };

export interface CallAnswer {
  readonly status: number;
  readonly retryAfter: string | undefined;
  /** Our code in the Fault's detail, when the answer is a Fault. */
  readonly code: string | undefined;
  readonly ms: number;
}

/**
 * A UsernameToken with PasswordDigest over a fresh (or given) nonce and Created now; `nonceAttributes`
 * go on the Nonce element as written (e.g. its EncodingType).
 */
export function digestHeader(
  username: string,
  secret: string,
  nonce = randomBytes(16),
  nonceAttributes = '',
): string {
  const created = new Date().toISOString();
  const digest = createHash('sha1')
    .update(Buffer.concat([nonce, Buffer.from(created + secret)]))
    .digest('base64');
  return (
    `<wsse:Security xmlns:wsse="${WSSE}" xmlns:wsu="${WSU}"><wsse:UsernameToken>` +
    `<wsse:Username>${username}</wsse:Username>` +
    `<wsse:Password Type="${PROFILE}#PasswordDigest">${digest}</wsse:Password>` +
    `<wsse:Nonce${nonceAttributes}>${nonce.toString('base64')}</wsse:Nonce><wsu:Created>${created}</wsu:Created>` +
    `</wsse:UsernameToken></wsse:Security>`
  );
}

/**
 * The demo user's digest token as WS-Security toolkits write it (the Nonce's EncodingType named). A
 * digest is checked without scrypt (against the sealed secret), so thousands of calls stay fast; the
 * nonce is new each time, as replays are refused.
 */
export function demoDigestHeader(): string {
  return digestHeader('demo', 'demo', randomBytes(16), ` EncodingType="${BASE64_BINARY}"`);
}

function securityHeader(credentials: Credentials): string {
  if ('digestHeader' in credentials) return credentials.digestHeader;
  if ('text' in credentials) {
    const { username, password } = credentials.text;
    return (
      `<wsse:Security xmlns:wsse="${WSSE}"><wsse:UsernameToken><wsse:Username>${username}</wsse:Username>` +
      `<wsse:Password Type="${PROFILE}#PasswordText">${password}</wsse:Password>` +
      `</wsse:UsernameToken></wsse:Security>`
    );
  }
  return '';
}

/** One keep-alive pool per source address. */
const agents = new Map<string, Agent>();
function agentFor(localAddress: string): Agent {
  let agent = agents.get(localAddress);
  if (agent === undefined) {
    agent = new Agent({ keepAlive: true, maxSockets: 64, localAddress });
    agents.set(localAddress, agent);
  }
  return agent;
}

export function closeAgents(): void {
  for (const agent of agents.values()) agent.destroy();
  agents.clear();
}

/** RecuperarListaSolicitudes (cheap once authenticated) with the given credentials. */
export function callSoap(
  baseUrl: string,
  credentials: Credentials,
  localAddress = '127.0.0.1',
): Promise<CallAnswer> {
  const body =
    `<env:Envelope xmlns:env="${S11}"><env:Header>${securityHeader(credentials)}</env:Header>` +
    `<env:Body><dm:RecuperarListaSolicitudes xmlns:dm="${TNS}"/></env:Body></env:Envelope>`;
  const headers: Record<string, string> = {
    'Content-Type': 'text/xml; charset=utf-8',
    SOAPAction: `"${TNS}/RecuperarListaSolicitudes"`,
  };
  if ('basic' in credentials) {
    const { username, password } = credentials.basic;
    headers.Authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }
  const url = new URL('/soap/DescargaMasiva', baseUrl);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method: 'POST', headers, agent: agentFor(localAddress) }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('error', reject);
      incoming.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const retryAfter = incoming.headers['retry-after'];
        resolve({
          status: incoming.statusCode ?? 0,
          retryAfter: typeof retryAfter === 'string' ? retryAfter : undefined,
          code: /<(?:\w+:)?Codigo>([^<]*)</.exec(text)?.[1],
          ms: performance.now() - started,
        });
      });
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** What a web sign-in post got back: the status, Retry-After and whether a session cookie came. */
export interface SignInAnswer {
  readonly status: number;
  readonly retryAfter: string | undefined;
  readonly signedIn: boolean;
}

/**
 * Posts the web sign-in form from a chosen source address, with a sign-in token of our own making
 * (the form's token is a double-submit cookie, so any well-formed value in both places passes).
 */
export function signInFrom(
  baseUrl: string,
  login: string,
  password: string,
  localAddress = '127.0.0.1',
): Promise<SignInAnswer> {
  const token = randomBytes(24).toString('base64url');
  const body = new URLSearchParams({ _csrf: token, login, password, siguiente: '/solicitudes' }).toString();
  const headers = {
    'Content-Type': 'application/x-www-form-urlencoded',
    Accept: 'text/html',
    Cookie: `dm_entrada=${token}`,
  };
  return new Promise((resolve, reject) => {
    const url = new URL('/entrar', baseUrl);
    const outgoing = request(url, { method: 'POST', headers, agent: agentFor(localAddress) }, (incoming) => {
      incoming.resume();
      incoming.on('error', reject);
      incoming.on('end', () => {
        const retryAfter = incoming.headers['retry-after'];
        resolve({
          status: incoming.statusCode ?? 0,
          retryAfter: typeof retryAfter === 'string' ? retryAfter : undefined,
          signedIn: (incoming.headers['set-cookie'] ?? []).some((line) => /^dm_sesion=[^;]/.test(line)),
        });
      });
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** What `floodWithForgedDigests` got back, by `<status> <code>`. */
export type FloodTally = Record<string, number>;

// Plain JavaScript run in a worker thread: the client then has a core of its own instead of sharing
// the server's event loop, which roughly doubles the pace of a six-figure flood.
const FLOOD_WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const { createHash, randomBytes } = require('node:crypto');
const http = require('node:http');
const { url, total, concurrency, envelope } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const tally = {};
let next = 0;
function body(index) {
  const nonce = randomBytes(16);
  const created = new Date().toISOString();
  const digest = createHash('sha1').update(Buffer.concat([nonce, Buffer.from(created + 'x')])).digest('base64');
  return envelope
    .replace('{{username}}', 'fantasma-' + (index % 1000))
    .replace('{{digest}}', digest)
    .replace('{{nonce}}', nonce.toString('base64'))
    .replace('{{created}}', created);
}
function one(index) {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', agent, headers: {
      'Content-Type': 'text/xml; charset=utf-8',
      SOAPAction: '"urn:descarga-masiva:v1/RecuperarListaSolicitudes"',
    } }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => {
        const code = /<(?:\\w+:)?Codigo>([^<]*)</.exec(Buffer.concat(chunks).toString('utf8'));
        const key = response.statusCode + ' ' + (code ? code[1] : 'ok');
        tally[key] = (tally[key] || 0) + 1;
        resolve();
      });
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body(index));
  });
}
async function worker() {
  while (next < total) {
    next += 1;
    await one(next);
  }
}
Promise.all(Array.from({ length: concurrency }, worker)).then(
  () => { agent.destroy(); parentPort.postMessage({ tally }); },
  (error) => { agent.destroy(); parentPort.postMessage({ error: String(error) }); },
);
`;

/**
 * `total` PasswordDigest calls, each with a random nonce, for unknown users (`fantasma-N`), sent
 * from a worker thread; resolves with how they were answered.
 */
export async function floodWithForgedDigests(
  baseUrl: string,
  total: number,
  concurrency = 16,
): Promise<FloodTally> {
  const { Worker } = await import('node:worker_threads');
  const envelope = digestHeaderTemplate();
  const worker = new Worker(FLOOD_WORKER, {
    eval: true,
    workerData: { url: new URL('/soap/DescargaMasiva', baseUrl).toString(), total, concurrency, envelope },
  });
  try {
    const message = await new Promise<{ tally?: FloodTally; error?: string }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    if (message.error !== undefined || message.tally === undefined) throw new Error(message.error);
    return message.tally;
  } finally {
    await worker.terminate();
  }
}

function digestHeaderTemplate(): string {
  return (
    `<env:Envelope xmlns:env="${S11}"><env:Header>` +
    `<wsse:Security xmlns:wsse="${WSSE}" xmlns:wsu="${WSU}"><wsse:UsernameToken>` +
    `<wsse:Username>{{username}}</wsse:Username>` +
    `<wsse:Password Type="${PROFILE}#PasswordDigest">{{digest}}</wsse:Password>` +
    `<wsse:Nonce>{{nonce}}</wsse:Nonce><wsu:Created>{{created}}</wsu:Created>` +
    `</wsse:UsernameToken></wsse:Security>` +
    `</env:Header><env:Body><dm:RecuperarListaSolicitudes xmlns:dm="${TNS}"/></env:Body></env:Envelope>`
  );
}
