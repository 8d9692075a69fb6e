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
import { RequestRegistry, type HoldAccepted, type RequestSettings, type TipoConsulta } from './requests';
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
  /** Folio requests per RFC and Mexico City day before Verifica answers 5011. */
  readonly folioRequestsPerDay?: number;
  /**
   * SolicitaDescarga requests each RFC may have accepted per Mexico City day; beyond it Solicitud
   * answers 5011 without registering the request. Unlimited when undefined.
   */
  readonly dailyRequestLimit?: number;
  /**
   * Seconds a request of each TipoSolicitud stays Aceptada (EstadoSolicitud 1) before its normal
   * progression (`delaySeconds`) starts: the metadata requests users see stuck in state 1 for days.
   */
  readonly holdAccepted?: HoldAccepted;
  /** Identical Metadata requests are limited to two in a lifetime too (third → 5002). Default false. */
  readonly countMetadataLifetime?: boolean;
  /**
   * SAT as strict as the real one: signed calls of SAT's public test FIEL (certificates issued by its
   * "AC UAT") get 305, and the SOAPAction header must be present and name the Body's operation
   * (otherwise an `a:ActionNotSupported` Fault). Default false (lenient).
   */
  readonly strict?: boolean;
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
  private readonly initialSettings: RequestSettings;

  constructor(
    readonly registry: RequestRegistry,
    readonly faults: FaultPlan,
    readonly trust: TrustStore,
    readonly tokens: Record<Servicio, TokenStore>,
    readonly clock: () => Date,
    /** Strict mode (see `SatSimulatorOptions.strict`); fixed for the simulator's life. */
    readonly strict = false,
  ) {
    // The options are checked as the run-time setters check them, and are what reset() returns to.
    this.setHoldAccepted(registry.settings.holdAccepted);
    this.setDailyRequestLimit(registry.settings.dailyRequestLimit);
    this.initialSettings = registry.settings;
  }

  /**
   * The next call of `operation` (the next one the fault fits when undefined) fails this way; queued:
   * call several times for several failures. Throws a RangeError for a fault that cannot happen on
   * `operation` (e.g. `acceptThenDrop` on Verificación).
   */
  failNext(operation: Operation | undefined, fault: InjectedFault, rfc?: string): void {
    this.faults.add(fault, operation, rfc);
  }

  /** The run-time settings now in force (holds, metadata lifetime count, daily limit). */
  get settings(): RequestSettings {
    return this.registry.settings;
  }

  /**
   * From now on, requests of each TipoSolicitud stay Aceptada this many seconds before progressing.
   * It applies to requests already accepted and not yet finished too (lowering it releases them).
   */
  setHoldAccepted(hold: HoldAccepted): void {
    const given: { Metadata?: number; CFDI?: number } = {};
    for (const tipo of ['Metadata', 'CFDI'] as const) {
      const seconds = hold[tipo];
      if (seconds === undefined) continue;
      if (!(Number.isFinite(seconds) && seconds >= 0))
        throw new RangeError(`holdAccepted.${tipo} must be a number of seconds >= 0`);
      given[tipo] = seconds;
    }
    this.registry.settings = { ...this.registry.settings, holdAccepted: given };
  }

  /** Whether identical Metadata requests count toward SAT's lifetime limit of two (third → 5002). */
  setCountMetadataLifetime(on: boolean): void {
    this.registry.settings = { ...this.registry.settings, countMetadataLifetime: on };
  }

  /** SolicitaDescarga requests each RFC may have accepted per Mexico City day (undefined: no limit). */
  setDailyRequestLimit(limit: number | undefined): void {
    if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0))
      throw new RangeError('dailyRequestLimit must be an integer >= 0');
    this.registry.settings = { ...this.registry.settings, dailyRequestLimit: limit };
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

  /** Back to the start: no requests, counters or faults, and the settings given as options. */
  reset(): void {
    this.faults.clear();
    this.registry.clear();
    this.registry.settings = this.initialSettings;
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

/** The SOAPAction header without its optional quotes. */
function soapAction(request: Request): string | undefined {
  return request
    .get('soapaction')
    ?.trim()
    .replace(/^"(.*)"$/, '$1');
}

/**
 * The SOAPAction when it names no operation of this service (undefined when it does). Lenient mode:
 * without a SOAPAction header the Body's element decides (documented choice).
 */
function actionMismatch(request: Request, operation: Operation): string | undefined {
  const action = soapAction(request);
  if (action === undefined) return undefined;
  const known = OPERATIONS_BY_PATH[operation].some((name) => SOAP_ACTIONS[name] === action);
  return known ? undefined : action;
}

/**
 * Strict mode, as WCF dispatches: the SOAPAction must be present and be the action of the Body's own
 * operation. Returns the action to name in the Fault when it is not; a Body that cannot be read is
 * left to the operation (it answers 301 or InvalidSecurity as usual).
 */
function strictActionMismatch(request: Request): string | undefined {
  const action = soapAction(request) ?? '';
  let name: string;
  try {
    name = bodyElement(request).operation.localName ?? '';
  } catch {
    return undefined;
  }
  return SOAP_ACTIONS[name] === action ? undefined : action;
}

/** SAT's public test FIEL and CSDs are issued by its test CA, "AC UAT" (the fixtures' EKU9003173C9). */
function fromSatTestCa(certificate: X509Certificate): boolean {
  return certificate.issuer.split('\n').some((entry) => entry.trim() === 'CN=AC UAT');
}

/** The CodEstatus a `{ codEstatus }` fault answers, if that is the fault. */
function codEstatusOf(fault: InjectedFault | undefined): string | undefined {
  return fault !== undefined && typeof fault === 'object' && 'codEstatus' in fault
    ? fault.codEstatus
    : undefined;
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
  const registry = new RequestRegistry(
    corpus,
    {
      delaySeconds: options.delaySeconds ?? 0,
      maxCfdi: options.maxCfdi ?? 200_000,
      maxMetadata: options.maxMetadata ?? 1_000_000,
      perPackage: options.perPackage ?? 200,
      packageLifetimeHours: 72,
      folioRequestsPerDay: options.folioRequestsPerDay ?? 100,
    },
    {
      holdAccepted: { ...options.holdAccepted },
      countMetadataLifetime: options.countMetadataLifetime ?? false,
      dailyRequestLimit: options.dailyRequestLimit,
    },
  );
  const trust = new TrustStore({
    certificates: options.trustedCertificates ?? defaultTrustedCertificates(),
    authorities: options.trustedAuthorities ?? [],
    revoked: options.revokedSerials ?? [],
    restrictedAuthorities: options.restrictedAuthorities ?? [],
  });
  const lifetime = options.tokenLifetimeSeconds ?? 300;
  const tokens = { cfdi: new TokenStore(lifetime), retenciones: new TokenStore(lifetime) };
  const faults = new FaultPlan(options.faultRate ?? 0, options.faultSeed ?? 'faults', options.randomFaults);
  const strict = options.strict ?? false;
  const state = new SimulatorState(registry, faults, trust, tokens, clock, strict);
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
      const mismatch = strict ? strictActionMismatch(request) : actionMismatch(request, operation);
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
        case 'tokenRefused401':
        case 'tokenRefused403':
          // What a gateway in front of SAT answers: a small HTML page, no SOAP. The token is dead.
          for (const store of Object.values(tokens)) store.expire(request.get('authorization'));
          response
            .status(fault === 'tokenRefused401' ? 401 : 403)
            .type('text/html')
            .send(`<html><body>${fault === 'tokenRefused401' ? 'Unauthorized' : 'Forbidden'}</body></html>`);
          return;
        case 'tokenRefusedFault':
          for (const store of Object.values(tokens)) store.expire(request.get('authorization'));
          send(response, 500, invalidSecurityFault());
          return;
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
    // The real SAT authenticates its public test FIEL and refuses it everything else.
    if (strict && fromSatTestCa(certificate)) return { code: '305' };
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
        const forcedCode = codEstatusOf(fault);
        if (forcedCode !== undefined) {
          send(response, 200, solicitaResponse(operationName, forcedCode));
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
        const answer = solicitaResponse(
          operationName,
          outcome.codEstatus,
          outcome.request?.id,
          undefined,
          signer,
        );
        // The lost-answer faults lose only an acceptance: a refusal is answered as usual.
        if (outcome.request) {
          switch (fault) {
            case 'acceptThenTimeout':
              return;
            case 'acceptThenDrop':
              request.socket.destroy();
              return;
            case 'acceptThen404':
              send(response, 404, answer);
              return;
            default:
          }
        }
        send(response, 200, answer);
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
        const forcedCode = codEstatusOf(fault);
        if (forcedCode !== undefined) {
          refuse(forcedCode);
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
        const forcedCode = codEstatusOf(fault);
        if (forcedCode !== undefined) {
          send(response, 200, descargaRefused(forcedCode));
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
          metadataHeader: fault !== 'metadataWithoutHeader',
          metadataEncoding: fault === 'metadataWindows1252' ? 'windows-1252' : 'utf-8',
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
