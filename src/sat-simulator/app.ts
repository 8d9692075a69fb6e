import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { Element } from '@xmldom/xmldom';
import express, { type Request, type Response } from 'express';
import { projectRoot } from '../config';
import { signerOf, TrustStore } from './certificates';
import { Corpus } from './corpus';
import { FaultPlan, type InjectedFault } from './faults';
import { buildPackage } from './package-builder';
import { ESTADO, NS, PATHS, SOAP_ACTIONS, type Operation, type Servicio } from './protocol';
import { parseCriteria } from './query-rules';
import { RequestRegistry, type TipoConsulta } from './requests';
import { SignatureProblem, verifyEnvelopedSignature, verifyWsSecurity } from './signature';
import {
  actionNotSupportedFault,
  autenticaResponse,
  descargaRefused,
  descargaStream,
  internalErrorFault,
  invalidSecurityFault,
  solicitaResponse,
  verificaResponse,
} from './soap-responses';
import { createTestApi } from './test-api';
import { TokenStore } from './tokens';
import { MalformedXml, childElements, parseXml } from './xml';

export type { InjectedFault } from './faults';

export interface SatSimulatorOptions {
  /** Seconds a request stays Aceptada, then EnProceso, before it finishes (0 = at the first Verifica). */
  readonly delaySeconds?: number;
  readonly documentsPerDay?: number;
  readonly seed?: string;
  /** XML documents per package (metadata packages hold ten times as many rows). */
  readonly perPackage?: number;
  readonly maxCfdi?: number;
  readonly maxMetadata?: number;
  /** Folio requests per RFC and day before Verifica answers 5011. */
  readonly folioRequestsPerDay?: number;
  /** Metadata files with the anomalies of real ones (bare LF in a name, empty names, blank lines…). */
  readonly quirks?: boolean;
  /** DER certificates trusted as signers (the fake FIEL of the fixtures by default). */
  readonly trustedCertificates?: readonly Buffer[];
  /** DER CA certificates whose certificates are trusted (tests mint their own). */
  readonly trustedAuthorities?: readonly Buffer[];
  /** CAs whose certificates authenticate but get 305 on signed calls (SAT's test CA behaviour). */
  readonly restrictedAuthorities?: readonly Buffer[];
  /** Revoked certificate numbers: their signed calls get 304. */
  readonly revokedSerials?: readonly string[];
  readonly tokenLifetimeSeconds?: number;
  /** Share of calls failed at random with a transient fault (0–1), replayable through `faultSeed`. */
  readonly faultRate?: number;
  readonly faultSeed?: string;
  /** What random faults are drawn from (default: 500, 503, dropped connection, code 404). */
  readonly randomFaults?: readonly InjectedFault[];
  /** The `/_simulator` inspection and steering API; never served when NODE_ENV is production. */
  readonly testApi?: boolean;
  readonly clock?: () => Date;
}

const OPERATIONS_BY_PATH: Readonly<Record<Operation, readonly string[]>> = Object.freeze({
  autenticacion: ['Autentica'],
  solicitud: ['SolicitaDescargaEmitidos', 'SolicitaDescargaRecibidos', 'SolicitaDescargaFolio'],
  verificacion: ['VerificaSolicitudDescarga'],
  descarga: ['PeticionDescargaMasivaTercerosEntrada'],
});

const TIPOS: Readonly<Record<string, TipoConsulta>> = Object.freeze({
  SolicitaDescargaEmitidos: 'Emitidos',
  SolicitaDescargaRecibidos: 'Recibidos',
  SolicitaDescargaFolio: 'Folio',
});

/** What tests and demos can see and steer. */
export class SimulatorState {
  readonly calls: Record<Operation, number> = {
    autenticacion: 0,
    solicitud: 0,
    verificacion: 0,
    descarga: 0,
  };
  /** Calls per signer RFC and operation (Autentica counted by its certificate's RFC). */
  readonly callsByRfc = new Map<string, Record<Operation, number>>();
  readonly downloads = new Map<string, number>();
  /** Faults injected so far, by kind (`codEstatus:404`, `latency`, `drop`…). */
  readonly faultsInjected = new Map<string, number>();

  constructor(
    readonly registry: RequestRegistry,
    readonly faults: FaultPlan,
    readonly trust: TrustStore,
    readonly tokens: Record<Servicio, TokenStore>,
    readonly clock: () => Date,
  ) {}

  /** The next call of `operation` fails this way (queued: call several times for several failures). */
  failNext(operation: Operation | undefined, fault: InjectedFault, rfc?: string): void {
    this.faults.add(fault, operation, rfc);
  }

  countCall(operation: Operation, rfc: string | undefined): void {
    this.calls[operation] += 1;
    if (!rfc) return;
    const counts = this.callsByRfc.get(rfc) ?? {
      autenticacion: 0,
      solicitud: 0,
      verificacion: 0,
      descarga: 0,
    };
    counts[operation] += 1;
    this.callsByRfc.set(rfc, counts);
  }

  tokensIssued(): number {
    return this.tokens.cfdi.count() + this.tokens.retenciones.count();
  }

  reset(): void {
    this.faults.clear();
    this.registry.clear();
    this.downloads.clear();
    this.faultsInjected.clear();
    this.callsByRfc.clear();
    for (const key of Object.keys(this.calls) as Operation[]) this.calls[key] = 0;
  }
}

function defaultTrustedCertificates(): Buffer[] {
  const file = path.join(projectRoot(), 'fixtures', 'fake-fiel', 'EKU9003173C9.cer');
  try {
    return [readFileSync(file)];
  } catch {
    return [];
  }
}

function send(response: Response, status: number, xml: string): void {
  response.status(status).type('text/xml; charset=utf-8').send(xml);
}

function bodyText(request: Request): string {
  return Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '';
}

function bodyElement(request: Request): { envelope: Element; operation: Element } {
  const document = parseXml(bodyText(request));
  const envelope = document.documentElement as unknown as Element;
  const body = childElements(envelope).find(
    (element) => element.namespaceURI === NS.soap && element.localName === 'Body',
  );
  const operation = body ? childElements(body)[0] : undefined;
  if (!operation) throw new MalformedXml('no operation in Body');
  return { envelope, operation };
}

/** The RFC a call claims to come from, read cheaply before any check (to aim faults at an RFC). */
function claimedRfc(operation: Operation, text: string): string | undefined {
  if (operation !== 'autenticacion') return /RfcSolicitante="([^"]+)"/.exec(text)?.[1]?.toUpperCase();
  const token = /BinarySecurityToken[^>]*>([^<]+)</.exec(text)?.[1];
  try {
    return token ? signerOf(new X509Certificate(Buffer.from(token, 'base64'))).rfc : undefined;
  } catch {
    return undefined;
  }
}

/** The operation element named by a SOAPAction header, or undefined when the action is unknown. */
function actionMismatch(request: Request, operation: Operation): string | undefined {
  const header = request.get('soapaction');
  if (header === undefined) return undefined; // dispatched by the Body's element (documented choice)
  const action = header.trim().replace(/^"(.*)"$/, '$1');
  const known = OPERATIONS_BY_PATH[operation].some((name) => SOAP_ACTIONS[name] === action);
  return known ? undefined : action;
}

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** Far enough into the package to fall inside the first entry's compressed data, not its header. */
const CORRUPTED_CHAR = 200;

/**
 * The Descarga answer with one base64 character of the package replaced by another valid one: the
 * envelope stays well-formed and the base64 decodes, but one byte of the ZIP differs.
 */
async function* corrupted(pieces: AsyncIterable<string>): AsyncGenerator<string> {
  let index = 0;
  let consumed = 0;
  let done = false;
  for await (const piece of pieces) {
    index += 1;
    // The first piece is the envelope up to <Paquete>; the last one closes it.
    if (done || index === 1 || piece.startsWith('</Paquete>')) {
      yield piece;
      continue;
    }
    const at = CORRUPTED_CHAR - consumed;
    consumed += piece.length;
    const original = piece[at];
    if (original === undefined || !BASE64_ALPHABET.includes(original)) {
      yield piece;
      continue;
    }
    done = true;
    const replaced = BASE64_ALPHABET[(BASE64_ALPHABET.indexOf(original) + 1) % 64] as string;
    yield piece.slice(0, at) + replaced + piece.slice(at + 1);
  }
}

function wait(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * SAT's Descarga Masiva as an express app: the four services at SAT's paths for CFDI, and again under
 * `/retenciones` for Retenciones. It checks what SAT checks (signatures, certificates, tokens, request
 * rules) and answers with SAT's envelopes and codes.
 */
export function createSatSimulatorApp(options: SatSimulatorOptions = {}): {
  app: express.Express;
  state: SimulatorState;
} {
  const clock = options.clock ?? (() => new Date());
  const corpus = new Corpus({
    documentsPerDay: options.documentsPerDay ?? 4,
    seed: options.seed ?? 'descarga-masiva',
  });
  const registry = new RequestRegistry(corpus, {
    delaySeconds: options.delaySeconds ?? 0,
    maxCfdi: options.maxCfdi ?? 200_000,
    maxMetadata: options.maxMetadata ?? 1_000_000,
    perPackage: options.perPackage ?? 200,
    packageLifetimeHours: 72,
    folioRequestsPerDay: options.folioRequestsPerDay ?? 100,
  });
  const trust = new TrustStore({
    certificates: options.trustedCertificates ?? defaultTrustedCertificates(),
    authorities: options.trustedAuthorities ?? [],
    revoked: options.revokedSerials ?? [],
    restrictedAuthorities: options.restrictedAuthorities ?? [],
  });
  const lifetime = options.tokenLifetimeSeconds ?? 300;
  const tokens = { cfdi: new TokenStore(lifetime), retenciones: new TokenStore(lifetime) };
  const faults = new FaultPlan(options.faultRate ?? 0, options.faultSeed ?? 'faults', options.randomFaults);
  const state = new SimulatorState(registry, faults, trust, tokens, clock);
  const quirks = options.quirks ?? false;
  const app = express();
  app.disable('x-powered-by');
  if ((options.testApi ?? true) && process.env.NODE_ENV !== 'production')
    app.use('/_simulator', createTestApi(state));
  app.use(express.raw({ type: () => true, limit: '2mb' }));

  type Work = (
    request: Request,
    response: Response,
    fault: InjectedFault | undefined,
    stallMs: number,
  ) => Promise<void> | void;

  /** Runs one call: SOAPAction dispatch, fault injection, and SAT's catch-all answer for the unexpected. */
  function handle(operation: Operation, work: Work) {
    return async (request: Request, response: Response): Promise<void> => {
      const rfc = claimedRfc(operation, bodyText(request));
      state.countCall(operation, rfc);
      const mismatch = actionMismatch(request, operation);
      if (mismatch !== undefined) {
        send(response, 500, actionNotSupportedFault(mismatch));
        return;
      }
      let fault = faults.take(operation, rfc);
      if (fault) {
        const kind =
          typeof fault === 'string'
            ? fault
            : 'latencyMs' in fault
              ? 'latency'
              : 'stallMidPackageMs' in fault
                ? 'stallMidPackage'
                : `codEstatus:${fault.codEstatus}`;
        state.faultsInjected.set(kind, (state.faultsInjected.get(kind) ?? 0) + 1);
      }
      if (fault && typeof fault === 'object' && 'latencyMs' in fault) {
        await wait(fault.latencyMs);
        fault = undefined;
        // Nobody is waiting for this answer any more: the call is dropped, as a proxy would drop it.
        if (request.socket.destroyed) return;
      }
      let stallMs = 0;
      if (fault && typeof fault === 'object' && 'stallMidPackageMs' in fault) {
        if (operation === 'descarga') stallMs = fault.stallMidPackageMs;
        fault = undefined;
      }
      switch (fault) {
        case 'drop':
          request.socket.destroy();
          return;
        case 'timeout':
          // Read, never answered: the connection stays open until the client gives up.
          return;
        case 'http500':
          send(response, 500, internalErrorFault());
          return;
        case 'http503':
          response.status(503).type('text/html').send('<html><body>Service Unavailable</body></html>');
          return;
        case 'malformedXml':
          send(response, 200, `<s:Envelope xmlns:s="${NS.soap}"><s:Body><`);
          return;
        case 'dropMidPackage':
        case 'corruptPackage':
          if (operation !== 'descarga') fault = undefined;
          break;
        case 'expiredToken':
          for (const store of Object.values(tokens)) store.expire(request.get('authorization'));
          fault = undefined;
          break;
        default:
      }
      try {
        await work(request, response, fault, stallMs);
      } catch (error) {
        if (!response.headersSent) send(response, 500, internalErrorFault());
        else response.destroy(error instanceof Error ? error : undefined);
      }
    };
  }

  /** Checks token and enveloped signature; returns the signer RFC or answers the SAT code itself. */
  function authorise(
    servicio: Servicio,
    request: Request,
    operation: Element,
    parameters: Element,
  ): string | { code: string } {
    const token = tokens[servicio].resolve(request.get('authorization'), clock());
    if (!token) return { code: '300' };
    let certificate;
    try {
      certificate = verifyEnvelopedSignature(operation, parameters);
    } catch (error) {
      return { code: error instanceof SignatureProblem && error.kind === 'malformed' ? '301' : '302' };
    }
    const verdict = trust.verdict(certificate, clock());
    if (verdict === 'revoked' || verdict === 'expired') return { code: '304' };
    if (verdict !== 'trusted') return { code: '305' };
    const signer = signerOf(certificate);
    if (signer.rfc !== token.rfc) return { code: '300' };
    if ((parameters.getAttribute('RfcSolicitante') ?? '').toUpperCase() !== signer.rfc)
      return { code: '303' };
    return signer.rfc;
  }

  for (const servicio of ['cfdi', 'retenciones'] as const) {
    const base = servicio === 'cfdi' ? '' : '/retenciones';

    app.post(
      base + PATHS.autenticacion,
      handle('autenticacion', (request, response, fault) => {
        if (fault) {
          send(response, 500, invalidSecurityFault());
          return;
        }
        try {
          const { envelope } = bodyElement(request);
          const { certificate, created, expires } = verifyWsSecurity(envelope);
          const now = clock();
          const skew = 5 * 60_000;
          if (created.getTime() > now.getTime() + skew || expires.getTime() < now.getTime())
            throw new SignatureProblem('invalid', 'stale');
          // Like SAT, any known certificate within its dates gets a token (its test FIEL and CSDs
          // included); whether it may download is decided on each signed call (304/305).
          if (!trust.known(certificate) || !trust.withinValidity(certificate, now))
            throw new SignatureProblem('invalid', 'untrusted');
          const signer = signerOf(certificate);
          const issued = tokens[servicio].issue(signer.rfc, signer.serialNumber, now);
          send(response, 200, autenticaResponse(issued.token, issued.created, issued.expires));
        } catch (error) {
          if (error instanceof SignatureProblem || error instanceof MalformedXml)
            send(response, 500, invalidSecurityFault());
          else throw error;
        }
      }),
    );

    app.post(
      base + PATHS.solicitud,
      handle('solicitud', (request, response, fault) => {
        let parsed;
        try {
          parsed = bodyElement(request);
        } catch {
          send(response, 200, solicitaResponse('SolicitaDescargaEmitidos', '301'));
          return;
        }
        const operationName = parsed.operation.localName ?? '';
        const tipo = TIPOS[operationName];
        const parameters = childElements(parsed.operation)[0];
        if (!tipo || !parameters) {
          send(response, 500, actionNotSupportedFault(operationName));
          return;
        }
        if (fault) {
          send(response, 200, solicitaResponse(operationName, (fault as { codEstatus: string }).codEstatus));
          return;
        }
        const signer = authorise(servicio, request, parsed.operation, parameters);
        if (typeof signer !== 'string') {
          send(response, 200, solicitaResponse(operationName, signer.code));
          return;
        }
        const checked = parseCriteria(servicio, signer, tipo, parameters, clock());
        if ('refusal' in checked) {
          send(response, 200, solicitaResponse(operationName, checked.refusal, undefined, checked.detail));
          return;
        }
        const criteria = checked.criteria;
        if (registry.cancelledFolio(criteria, clock())) {
          send(response, 200, solicitaResponse(operationName, '5012'));
          return;
        }
        const outcome = registry.submit(criteria, clock());
        send(
          response,
          200,
          solicitaResponse(operationName, outcome.codEstatus, outcome.request?.id, undefined, signer),
        );
      }),
    );

    app.post(
      base + PATHS.verificacion,
      handle('verificacion', (request, response, fault) => {
        const refuse = (code: string): void =>
          send(
            response,
            200,
            verificaResponse({ codEstatus: code, estado: 0, numeroCfdis: 0, paquetes: [] }),
          );
        let parsed;
        try {
          parsed = bodyElement(request);
        } catch {
          refuse('301');
          return;
        }
        if (fault) {
          refuse((fault as { codEstatus: string }).codEstatus);
          return;
        }
        const parameters = childElements(parsed.operation)[0];
        const signer = parameters
          ? authorise(servicio, request, parsed.operation, parameters)
          : { code: '301' };
        if (typeof signer !== 'string') {
          refuse(signer.code);
          return;
        }
        const simulated = registry.get(parameters?.getAttribute('IdSolicitud') ?? '');
        if (!simulated || simulated.criteria.rfc !== signer || simulated.criteria.servicio !== servicio) {
          refuse('5004');
          return;
        }
        if (registry.overFolioLimit(simulated)) {
          refuse('5011');
          return;
        }
        const status = registry.status(simulated, clock());
        const done = 'codigo' in status;
        send(
          response,
          200,
          verificaResponse({
            codEstatus: '5000',
            estado: status.estado,
            codigoEstado: done ? status.codigo : '5000',
            numeroCfdis: done ? status.numeroCfdis : 0,
            paquetes: done && status.estado === ESTADO.Terminada ? status.paquetes : [],
          }),
        );
      }),
    );

    app.post(
      base + PATHS.descarga,
      handle('descarga', (request, response, fault, stallMs) => {
        let parsed;
        try {
          parsed = bodyElement(request);
        } catch {
          send(response, 200, descargaRefused('301'));
          return;
        }
        if (fault && fault !== 'dropMidPackage' && fault !== 'corruptPackage') {
          send(response, 200, descargaRefused((fault as { codEstatus: string }).codEstatus));
          return;
        }
        const parameters = childElements(parsed.operation)[0];
        const signer = parameters
          ? authorise(servicio, request, parsed.operation, parameters)
          : { code: '301' };
        if (typeof signer !== 'string') {
          send(response, 200, descargaRefused(signer.code));
          return;
        }
        const idPaquete = (parameters?.getAttribute('IdPaquete') ?? '').toUpperCase();
        const simulated = registry.get(idPaquete.split('_')[0] ?? '');
        const status = simulated ? registry.status(simulated, clock()) : undefined;
        if (
          !simulated ||
          simulated.criteria.rfc !== signer ||
          simulated.criteria.servicio !== servicio ||
          !status ||
          !('paquetes' in status) ||
          !(status.paquetes as string[]).includes(idPaquete)
        ) {
          send(response, 200, descargaRefused('5004'));
          return;
        }
        if (status.estado === ESTADO.Vencida) {
          send(response, 200, descargaRefused('5007'));
          return;
        }
        const downloads = state.downloads.get(idPaquete) ?? 0;
        if (downloads >= 2) {
          send(response, 200, descargaRefused('5008'));
          return;
        }
        state.downloads.set(idPaquete, downloads + 1);
        const zip = buildPackage({
          idPaquete,
          kind: simulated.criteria.tipoSolicitud,
          documents: () => registry.packageDocuments(simulated, idPaquete, clock()),
          quirks,
        });
        response.status(200).type('text/xml; charset=utf-8');
        const answer = Readable.from(descargaStream(zip));
        if (stallMs > 0) {
          // The envelope's start, part of the package, a pause, then the rest.
          let pieces = 0;
          answer.on('data', (piece: string) => {
            pieces += 1;
            if (pieces !== 2) {
              response.write(piece);
              return;
            }
            const half = Math.ceil(piece.length / 2);
            response.write(piece.slice(0, half));
            answer.pause();
            setTimeout(() => {
              if (response.destroyed) {
                answer.destroy();
                return;
              }
              response.write(piece.slice(half));
              answer.resume();
            }, stallMs);
          });
          answer.on('end', () => response.end());
          return;
        }
        if (fault === 'corruptPackage') {
          Readable.from(corrupted(answer)).pipe(response);
          return;
        }
        if (fault !== 'dropMidPackage') {
          answer.pipe(response);
          return;
        }
        // The envelope's start and half of the first piece of the package, then the connection dies.
        let pieces = 0;
        answer.on('data', (piece: string) => {
          pieces += 1;
          if (pieces < 2) {
            response.write(piece);
            return;
          }
          answer.destroy();
          response.write(piece.slice(0, Math.ceil(piece.length / 2)), () => response.socket?.destroy());
        });
      }),
    );
  }
  return { app, state };
}
