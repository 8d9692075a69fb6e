import { readFileSync } from 'node:fs';
import path from 'node:path';
import express from 'express';
import { projectRoot } from '../config';
import { serveAutenticacion } from './autenticacion';
import { callHandler } from './call-handler';
import { TrustStore } from './certificates';
import { Corpus } from './corpus';
import { serveDescarga } from './descarga';
import { FaultPlan, type InjectedFault } from './faults';
import { PATHS } from './protocol';
import { RequestRegistry, type HoldAccepted } from './requests';
import { serveSolicitud } from './solicitud';
import { SimulatorState } from './state';
import { createTestApi } from './test-api';
import { TokenStore } from './tokens';
import { serveVerificacion } from './verificacion';

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

function defaultTrustedCertificates(): Buffer[] {
  const file = path.join(projectRoot(), 'fixtures', 'fake-fiel', 'EKU9003173C9.cer');
  try {
    return [readFileSync(file)];
  } catch {
    return [];
  }
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

  for (const servicio of ['cfdi', 'retenciones'] as const) {
    const base = servicio === 'cfdi' ? '' : '/retenciones';
    app.post(
      base + PATHS.autenticacion,
      callHandler(state, 'autenticacion', serveAutenticacion(state, servicio)),
    );
    app.post(base + PATHS.solicitud, callHandler(state, 'solicitud', serveSolicitud(state, servicio)));
    app.post(
      base + PATHS.verificacion,
      callHandler(state, 'verificacion', serveVerificacion(state, servicio)),
    );
    app.post(base + PATHS.descarga, callHandler(state, 'descarga', serveDescarga(state, servicio, quirks)));
  }
  return { app, state };
}
