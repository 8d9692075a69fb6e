import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import path from 'node:path';
import express from 'express';
import { Pool } from 'pg';
import { loadConfig, projectRoot, readEnvironment, type AppConfig } from './config';
import { openDatabase } from './db';
import { AppError, ConfigError, generalErrors } from './errors';
import {
  JobRunner,
  ensureJobSchema,
  registerNotificationJobs,
  registerPipelineJobs,
  registerReconciliationJobs,
  scheduleNotificationJobs,
  scheduleReconciliationJobs,
  scheduleSweeper,
} from './jobs';
import { createLogger, type Logger } from './logging';
import {
  ApiUserService,
  ContribuyenteDirectory,
  DEMO,
  FielEnrollment,
  FielRoster,
  ensureDemoTenant,
} from './services/accounts';
import { AuditTrail } from './services/audit';
import {
  FielExpiryNotices,
  HttpWebhookPoster,
  WebhookDispatcher,
  WebhookNotifier,
  WebhookService,
} from './services/notifications';
import { CfdiExports, CfdiService, CfdiTotals } from './services/cfdi';
import { PagosService } from './services/pagos';
import { ReconciliationService, StatusRecheck } from './services/reconciliation';
import { DownloadLinkService, RegistrationService, SolicitudQueryService } from './services/solicitudes';
import {
  DESCARGA_MASIVA_FAULT_DETAIL,
  DESCARGA_MASIVA_V2_FAULT_DETAIL,
  InMemoryNonceCache,
  RateLimiter,
  createSoapRouter,
  type SoapCallOutcome,
} from './soap';
import { createDescargaMasivaHandlers, type DescargaMasivaServices } from './soap/descarga-masiva';
import { createDescargaMasivaV2Handlers } from './soap/descarga-masiva-v2';
import {
  MYSUITE_FAULT_DETAIL,
  MYSUITE_OPERATION,
  createRequestTransactionHandler,
  createRequestorGate,
} from './soap/mysuite';
import type { JobQueue } from './services/ports/job-queue';
import { createHmac } from 'node:crypto';
import { FielVault, HashingGate, loadKeyring, SecretBox, VerifiedSecretCache } from './services/secrets';
import { PackageIndexer, RfcCallSlots, SatClientGateway, SolicitudPipeline } from './services/pipeline';
import { NodeSatTransport, type TransportObserver } from './sat';
import { startSatSimulator } from './sat-simulator';
import {
  DEFAULT_STALE_PART_AGE_MS,
  LocalDiskObjectStore,
  createLocalFileLinksRouter,
  createObjectStore,
} from './storage';
import { Metrics } from './metrics';
import {
  createHealthRouter,
  createMetricsRouter,
  finalErrorHandler,
  requestContext,
  type HealthProbe,
} from './web';
import { createWebRouter } from './web/ui/web-router';
import { SessionStore, WebUserService } from './services/web-access';
import { AuthThrottle } from './services/auth-limits';
import { registerSatMaintenanceJobs, scheduleSatMaintenance } from './jobs';
import { CustodyMetrics, registerSatHealthGauges } from './metrics';
import { ExpiryWatch, PackageCustody, type PackageCustodySink } from './services/custody';
import { SatCallRecorder, SatHealth } from './services/sat-health';
import { ObservedSatTransport } from './services/sat-observation';
import type { SatTransport } from './sat';
import type { ObjectStore } from './storage';
import type { DataSource } from 'typeorm';
import { SatTrail } from './services/sat-trail';

export interface RunningApplication {
  readonly url: string;
  readonly port: number;
  /** Stops accepting requests, lets running work finish, then releases every resource. */
  close(): Promise<void>;
}

/** Where MYSuite serves FactWSFront: ERPs switch to us by changing only the host of this URL. */
const MYSUITE_PATH = '/mx.com.fact.wsfront/FactWSFront.asmx';
/** Contract v2 (wsdl/v2), served beside v1's /soap/DescargaMasiva. */
const DESCARGA_MASIVA_V2_PATH = '/soap/v2/DescargaMasiva';

/** Resources released in reverse order of acquisition on shutdown. */
type Closer = () => Promise<void>;

/**
 * Issue 8's SAT health signal, raw SAT trail and package custody, built in one place: every SAT call
 * goes through an observed transport whose events feed the per-minute figures (all processes add up
 * in sat_call_stats) and, for tenants that opted in, the trail.
 */
function satObservability(
  dataSource: DataSource,
  objectStore: ObjectStore,
  metrics: Metrics,
  config: AppConfig,
  logger: Logger,
  /** Hear of packages near SAT's expiry and not stored (notifications subscribe here). */
  custodySinks: readonly PackageCustodySink[] = [],
) {
  const recorder = new SatCallRecorder(dataSource, logger);
  const trail = new SatTrail(dataSource, { retentionDays: config.satTrail.retentionDays }, logger);
  const health = new SatHealth(dataSource);
  registerSatHealthGauges(metrics, () => health.snapshot());
  // Each needs the other: the gauge counts what the watch sees, the watch counts its alerts.
  const custodyMetrics: CustodyMetrics = new CustodyMetrics(metrics, () => expiryWatch.countAtRisk());
  const expiryWatch = new ExpiryWatch(dataSource, {
    alertHours: config.custody.expiryAlertHours,
    logger,
    sinks: custodySinks,
    onAlert: () => custodyMetrics.expiryAlerts.inc(),
  });
  return {
    recorder,
    trail,
    health,
    expiryWatch,
    custody: new PackageCustody(dataSource, objectStore, {
      logger,
      onVerificationFailed: (reason) => custodyMetrics.verificationFailures.inc({ reason }),
    }),
    observe: (transport: SatTransport) =>
      new ObservedSatTransport(transport, [(event) => recorder.record(event), trail.listener]),
    flush: async () => {
      await recorder.flush();
      await trail.flush();
    },
  };
}

/** SAT's operation by its SOAPAction, as the metrics label it. */
function satOperation(soapAction: string): string {
  if (soapAction.endsWith('/Autentica')) return 'autenticacion';
  if (soapAction.includes('/SolicitaDescarga')) return 'solicitud';
  if (soapAction.endsWith('/VerificaSolicitudDescarga')) return 'verificacion';
  if (soapAction.endsWith('/Descargar')) return 'descarga';
  return 'otra';
}

/**
 * SAT calls as the transport sees them: every latency, and the calls that got no SAT code at all (no
 * answer: `network`; an HTTP error: `http_<status>`). Signed calls answered by SAT are counted by
 * their CodEstatus where the client reads it; a token from Autentica counts as `token`.
 */
function satCallObserver(metrics: Metrics): TransportObserver {
  return {
    after: ({ soapAction, status, ms }) => {
      const operation = satOperation(soapAction);
      metrics.satLatency.observe({ operation }, ms / 1000);
      if (status === undefined) metrics.satCalls.inc({ operation, code: 'network' });
      else if (status !== 200) metrics.satCalls.inc({ operation, code: `http_${status}` });
      else if (operation === 'autenticacion') metrics.satCalls.inc({ operation, code: 'token' });
    },
  };
}

function listen(app: express.Express, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    // Idle keep-alive sockets outlive a load balancer's 60 s idle timeout and an ERP's pause between
    // calls: closing first (node's 5 s default) makes clients reuse a socket the server is closing.
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
    server.once('listening', () => resolve(server));
    server.once('error', reject);
  });
}

const SHUTDOWN_GRACE_MS = 10_000;

/**
 * Stops accepting, lets calls in flight finish, and closes each keep-alive socket as soon as it is
 * idle (a 65 s keep-alive would otherwise hold the process open that long); what is still busy after
 * the grace period is cut.
 */
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    const sweep = setInterval(() => server.closeIdleConnections(), 200);
    const cut = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(cut);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/**
 * The composition root: the only place that builds concrete classes and wires them together.
 * config -> logger -> database -> object store -> SAT -> services -> HTTP (SOAP, web) + workers.
 */
export interface StartOptions {
  /** Where the start-up banner goes (standard output by default; tests pass a collector). */
  readonly announce?: (text: string) => void;
  /** `false` runs only the workers (`descarga-masiva worker`): no HTTP, jobs always on. */
  readonly serveHttp?: boolean;
}

export async function startApplication(
  config: AppConfig,
  logger: Logger,
  options: StartOptions = {},
): Promise<RunningApplication> {
  const closers: Closer[] = [];
  const probes: Record<string, HealthProbe> = {};
  try {
    const database = await openDatabase({
      url: config.database.url,
      dataDir: config.dataDir,
      createSystemUser: config.database.createSystemUser,
      poolSize: config.database.poolSize,
      migrate: true,
      applicationName: 'descarga-masiva',
    });
    closers.push(() => database.close());
    probes.database = () => database.probe();
    if (database.appliedMigrations.length > 0) {
      logger.info('migrations applied', { migrations: database.appliedMigrations });
    }

    // Fails start-up when the key is missing or cannot open what is stored: better than failing later.
    const keyring = await loadKeyring({
      masterKey: config.masterKey,
      masterKeyPrevious: config.masterKeyPrevious,
      dataDir: config.dataDir,
      allowGenerate: config.database.url === undefined,
    });
    const box = new SecretBox(keyring.current, keyring.previous);

    // Links must survive restarts, so their key is derived from the master key rather than random.
    const linkSecret = createHmac('sha256', keyring.current.key)
      .update('descarga-masiva:file-links')
      .digest();
    let publicUrl = config.publicBaseUrl ?? '';
    const objectStore = await createObjectStore(
      config.storage.kind === 's3'
        ? { ...config.storage }
        : {
            kind: 'local',
            directory: config.storage.directory,
            baseUrl: () => publicUrl,
            linkSecret,
            // A live download pauses at most SAT's idle timeout before it is aborted (and its part deleted).
            stalePartAfterMs: Math.max(DEFAULT_STALE_PART_AGE_MS, 2 * config.sat.idleTimeoutMs),
            onSweep: ({ removed, kept, failed }) => {
              if (removed.length > 0 || failed.length > 0) {
                logger.info('temporary files of interrupted writes swept', { removed, kept, failed });
              }
            },
          },
    );
    probes.storage = () => objectStore.ping();

    // Simulator mode runs SAT itself, on loopback, unless SAT_BASE_URL points at another one. A separate
    // worker must share the service's simulator (its requests live in memory), so it needs the URL.
    let satBaseUrl = config.sat.baseUrl;
    if (config.sat.mode === 'simulator' && !satBaseUrl && options.serveHttp === false) {
      throw new ConfigError(generalErrors.configInvalid, {
        params: {
          variable: 'SAT_BASE_URL',
          reason: 'a separate worker in simulator mode needs the shared simulator URL',
        },
      });
    }
    if (config.sat.mode === 'simulator' && !satBaseUrl) {
      const simulator = await startSatSimulator({ delaySeconds: config.simulator.delaySeconds });
      closers.push(() => simulator.close());
      satBaseUrl = simulator.url;
      logger.info('SAT simulator started', { url: simulator.url });
    }

    if (config.sat.mode === 'simulator') {
      await ensureDemoTenant(database.dataSource, box, {
        directory: path.join(projectRoot(), 'fixtures', 'fake-fiel'),
      });
    }

    // Registration enqueues through Agenda whether or not this process runs workers.
    const jobsPool = new Pool({ connectionString: database.url, max: config.workers.concurrency + 2 });
    // An idle connection dropped by the server (restart, failover) must not crash the process.
    jobsPool.on('error', (error) => logger.warn('job database connection lost', { error: error.message }));
    closers.push(() => jobsPool.end());
    await ensureJobSchema(jobsPool);
    const metrics = new Metrics({
      solicitudStates: async () => {
        const rows = await database.dataSource.query<{ estado: string; total: number }[]>(
          'SELECT estado, count(*)::int AS total FROM solicitudes GROUP BY estado',
        );
        return Object.fromEntries(rows.map((row) => [row.estado, row.total]));
      },
      // Read when /metrics is scraped, after the job runner below exists.
      queueDepth: () => jobs.countPending(),
    });

    const jobs = new JobRunner({
      pool: jobsPool,
      logger,
      name: `descarga-masiva-${process.pid}`,
      maxConcurrency: config.workers.concurrency,
      retryDelayMs: config.workers.retryDelaySeconds * 1000,
      lockLifetimeMs: config.workers.lockSeconds * 1000,
      onRun: (job, result) => metrics.jobRuns.inc({ job, result }),
    });
    const queue: JobQueue = jobs;
    // Solicitud state changes become webhook deliveries in the transaction that records them.
    const webhookNotifier = new WebhookNotifier(queue, logger);
    const transport = new NodeSatTransport({
      connectTimeoutMs: config.sat.connectTimeoutMs,
      idleTimeoutMs: config.sat.idleTimeoutMs,
      totalTimeoutMs: config.sat.totalTimeoutMs,
      observer: satCallObserver(metrics),
    });
    closers.push(async () => transport.close());
    // Packages near SAT's expiry and not stored are announced to the tenant's webhooks too.
    const sat = satObservability(database.dataSource, objectStore, metrics, config, logger, [
      webhookNotifier,
    ]);
    closers.push(() => sat.flush());
    // SAT's caps per request: registration plans periods under them, the pipeline sizes what it could not.
    const caps = {
      maxXmlPerRequest: config.sat.maxXmlPerRequest,
      maxMetadataPerRequest: config.sat.maxMetadataPerRequest,
    };
    // Built before the workers, which use it too (the reconciliation's status recheck registers).
    const registration = new RegistrationService(database.dataSource, queue, {
      settlementWindowHours: config.settlementWindowHours,
      caps,
    });
    const pipeline = new SolicitudPipeline(
      database.dataSource,
      new SatClientGateway({
        transport: sat.observe(transport),
        baseUrl: satBaseUrl,
        tokenRenewMarginSeconds: config.sat.tokenRenewMarginSeconds,
        onAnswer: (operation, code) => metrics.satCalls.inc({ operation, code }),
      }),
      objectStore,
      new FielVault(database.dataSource, box),
      queue,
      {
        verifyInitialDelaySeconds: config.workers.verifyInitialDelaySeconds,
        verifyMaxDelaySeconds: config.workers.verifyMaxDelaySeconds,
        verifyHorizonHours: config.workers.verifyHorizonHours,
        sizingMaxWaitSeconds: config.workers.sizingMaxWaitSeconds,
        // A dead worker's slot is freed when its job is taken over, not minutes later.
        rfcSlots: new RfcCallSlots(database.dataSource, {
          slots: config.workers.rfcConcurrency,
          leaseSeconds: config.workers.lockSeconds,
        }),
        onPackageStored: (bytes) => metrics.bytesStored.inc(bytes),
        events: webhookNotifier,
        scopeSatCalls: (target, work) => sat.trail.scoped(target, work),
        custody: sat.custody,
        caps,
      },
    );
    registerSatMaintenanceJobs(jobs, { ...sat, logger });
    registerPipelineJobs(
      jobs,
      pipeline,
      new PackageIndexer(database.dataSource, objectStore, { events: webhookNotifier }),
      database.dataSource,
      logger,
      {
        concurrency: config.workers.concurrency,
        sweepEverySeconds: 60,
      },
    );
    registerNotificationJobs(
      jobs,
      {
        dispatcher: new WebhookDispatcher(
          database.dataSource,
          box,
          new HttpWebhookPoster({ timeoutMs: config.notifications.timeoutMs }),
          logger,
          config.notifications,
        ),
        fielNotices: new FielExpiryNotices(database.dataSource, webhookNotifier, {
          noticeDays: config.notifications.fielExpiryNoticeDays,
        }),
        dataSource: database.dataSource,
      },
      logger,
      { concurrency: config.workers.concurrency, sweepEverySeconds: 60, fielCheckEverySeconds: 3600 },
    );
    // Off by default: each run asks SAT for the metadata of up to a year of months again.
    const recheckDays = config.reconciliation.recheckDays;
    if (recheckDays > 0) {
      const recheck = new StatusRecheck(database.dataSource, registration, {
        months: config.reconciliation.recheckMonths,
      });
      registerReconciliationJobs(jobs, recheck, logger, { everyDays: recheckDays });
    }
    const workerOnly = options.serveHttp === false;
    if (config.workers.enabled || workerOnly) {
      await jobs.start();
      await scheduleSweeper(jobs);
      await scheduleNotificationJobs(jobs);
      await scheduleSatMaintenance(jobs);
      if (recheckDays > 0) await scheduleReconciliationJobs(jobs, recheckDays);
    }
    closers.push(() => jobs.stop());
    if (workerOnly) {
      logger.info('worker started', { satMode: config.sat.mode, sat: satBaseUrl ?? 'SAT production hosts' });
      let closing: Promise<void> | undefined;
      return { url: '', port: 0, close: () => (closing ??= releaseAll(closers, logger)) };
    }

    const audit = new AuditTrail(database.dataSource, logger);
    closers.push(() => audit.flush());
    /** Every SOAP call, either binding: counted for /metrics and written to the audit trail. */
    const observeSoapCall = async (
      binding: string,
      outcome: SoapCallOutcome,
      options = { audit: true },
    ): Promise<void> => {
      metrics.soapCalls.inc({ operation: outcome.operation ?? 'unknown', result: outcome.code ?? 'ok' });
      // A throttled call costs nothing by design: no row either (the failures behind it have theirs).
      const throttled = [generalErrors.authThrottled.code, generalErrors.authBusy.code];
      if (!options.audit || throttled.includes(outcome.code ?? '')) return;
      await audit.record({
        tenantId: outcome.principal?.tenantId,
        actorType: 'api_user',
        actorId: outcome.principal?.userId,
        actorName: outcome.principal?.username,
        operacion: `${binding}.${outcome.operation ?? 'desconocida'}`,
        resultado: outcome.result === 'ok' ? 'ok' : 'error',
        codigo: outcome.code,
        ip: outcome.ip,
        requestId: outcome.requestId,
      });
    };
    const queries = new SolicitudQueryService(database.dataSource);
    // One gate for every password check, API and web alike: together they use a bounded share of the CPU.
    const hashing = new HashingGate();
    const apiUsers = new ApiUserService(database.dataSource, box, new VerifiedSecretCache(), hashing);
    const links = new DownloadLinkService(database.dataSource, objectStore, config.linkTtlSeconds);
    const contribuyentes = new ContribuyenteDirectory(database.dataSource);
    const fielVault = new FielVault(database.dataSource, box);
    const fielEnrollment = new FielEnrollment(fielVault);
    const reconciliation = new ReconciliationService(database.dataSource);
    // One for both bindings: a client cannot double its guesses by alternating them.
    const authThrottle = new AuthThrottle(config.authThrottle);
    const pagos = new PagosService(database.dataSource);
    const descargaMasiva: DescargaMasivaServices = {
      registration,
      queries,
      links,
      cfdi: new CfdiService(database.dataSource, objectStore, config.linkTtlSeconds, pagos),
      reconciliation,
      pagos,
      satHealth: sat.health,
    };
    // Contract v1 and v2 are one service to a caller: one request budget per API user, and a
    // UsernameToken nonce spent on either path is spent on both.
    const descargaMasivaLimiter = new RateLimiter({ perMinute: config.soap.rateLimitPerMinute });
    const descargaMasivaNonces = new InMemoryNonceCache();
    const soapRouter = await createSoapRouter({
      wsdlPath: path.join(projectRoot(), 'wsdl', 'DescargaMasiva.wsdl'),
      handlers: createDescargaMasivaHandlers(descargaMasiva),
      faultDetail: DESCARGA_MASIVA_FAULT_DETAIL,
      authenticator: apiUsers,
      rateLimiter: descargaMasivaLimiter,
      authThrottle,
      maxBodyBytes: config.soap.maxBodyBytes,
      nonceCache: descargaMasivaNonces,
      // The reads ERPs poll: written without node-soap's serialiser (test/unit/soap/plain-answer.test.ts).
      plainAnswerOperations: ['RecuperarSolicitud', 'RecuperarListaSolicitudes'],
      logger,
      onCallCompleted: (outcome) => observeSoapCall('DescargaMasiva', outcome),
      ...(config.publicBaseUrl ? { publicUrl: `${config.publicBaseUrl}/soap/DescargaMasiva` } : {}),
    });
    const soapV2Router = await createSoapRouter({
      wsdlPath: path.join(projectRoot(), 'wsdl', 'v2', 'DescargaMasiva.wsdl'),
      handlers: createDescargaMasivaV2Handlers(descargaMasiva),
      faultDetail: DESCARGA_MASIVA_V2_FAULT_DETAIL,
      authenticator: apiUsers,
      rateLimiter: descargaMasivaLimiter,
      authThrottle,
      maxBodyBytes: config.soap.maxBodyBytes,
      nonceCache: descargaMasivaNonces,
      logger,
      onCallCompleted: (outcome) => observeSoapCall('DescargaMasivaV2', outcome),
      ...(config.publicBaseUrl ? { publicUrl: `${config.publicBaseUrl}${DESCARGA_MASIVA_V2_PATH}` } : {}),
    });

    const mysuiteRouter = await createSoapRouter({
      wsdlPath: path.join(projectRoot(), 'wsdl', 'FactWSFront.wsdl'),
      handlers: {
        RequestTransaction: createRequestTransactionHandler({
          logger,
          apiUsers,
          contribuyentes,
          fielEnrollment,
          registration,
          queries,
          links,
          audit,
        }),
      },
      faultDetail: MYSUITE_FAULT_DETAIL,
      rateLimiter: new RateLimiter({ perMinute: config.soap.rateLimitPerMinute }),
      authThrottle,
      maxBodyBytes: config.soap.mysuiteMaxBodyBytes,
      // The Requestor is looked up from the head of the body, before the rest is read or parsed.
      bodyGate: createRequestorGate({
        authenticate: (requestor) => apiUsers.authenticateRequestor(requestor),
        maxBodyBytes: config.soap.mysuiteMaxBodyBytes,
        operation: MYSUITE_OPERATION,
      }),
      logger,
      // The transaction audits itself (it knows tenant, caller and in-band result); the binding audits
      // only the envelopes it could not read.
      onCallCompleted: (outcome) =>
        observeSoapCall('MYSuite', outcome, { audit: outcome.result === 'fault' }),
      ...(config.publicBaseUrl ? { publicUrl: `${config.publicBaseUrl}${MYSUITE_PATH}` } : {}),
    });

    const app = express();
    app.disable('x-powered-by');
    app.use(requestContext());
    app.use(createHealthRouter(probes));
    app.use(createMetricsRouter(metrics));
    if (objectStore instanceof LocalDiskObjectStore) {
      app.use(createLocalFileLinksRouter(objectStore, { secret: linkSecret }));
    }
    app.use('/soap/DescargaMasiva', soapRouter);
    app.use(DESCARGA_MASIVA_V2_PATH, soapV2Router);
    app.use(MYSUITE_PATH, mysuiteRouter);
    // Last: the web interface answers every path the services above did not take.
    app.use(
      createWebRouter(
        {
          logger,
          users: new WebUserService(
            database.dataSource,
            { maxFailures: config.web.loginMaxFailures, lockoutMinutes: config.web.lockoutMinutes },
            undefined,
            hashing,
          ),
          // Its own counters: web logins and API usernames are different accounts that may share a name.
          signInThrottle: new AuthThrottle(config.authThrottle),
          sessions: new SessionStore(database.dataSource, config.web.sessionHours),
          contribuyentes,
          registration,
          queries,
          links,
          fielRoster: new FielRoster(database.dataSource),
          cfdi: new CfdiService(database.dataSource, objectStore, config.linkTtlSeconds),
          cfdiTotals: new CfdiTotals(database.dataSource),
          cfdiExports: new CfdiExports(database.dataSource, objectStore),
          reconciliation,
          fielEnrollment,
          fielVault,
          apiUsers,
          satHealth: sat.health,
          satTrail: sat.trail,
          webhooks: new WebhookService(database.dataSource, box, {
            allowHttp: config.notifications.allowHttp,
          }),
        },
        { secureCookies: config.web.secureCookies, showDemoHint: config.sat.mode === 'simulator' },
      ),
    );
    // Errors no router answered itself end here, whatever NODE_ENV says: never Express's default page.
    app.use(finalErrorHandler(logger));

    const server = await listen(app, config.port, config.host);
    closers.push(() => closeServer(server));
    const port = (server.address() as AddressInfo).port;
    const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
    publicUrl ||= url;
    logger.info('service started', {
      url,
      satMode: config.sat.mode,
      sat: satBaseUrl ?? 'SAT production hosts',
      storage: config.storage.kind,
    });
    if (config.sat.mode === 'simulator') {
      (options.announce ?? console.log)(demoBanner(config.publicBaseUrl ?? url));
    }

    let closing: Promise<void> | undefined;
    return {
      url,
      port,
      close: () => (closing ??= releaseAll(closers, logger)),
    };
  } catch (error) {
    await releaseAll(closers, logger);
    throw error;
  }
}

/** Simulator mode only: what a first-time user needs to make the first call from SoapUI. */
function demoBanner(baseUrl: string): string {
  return [
    '',
    'descarga-masiva is running in simulator mode (SAT simulated, demo data).',
    `  WSDL:                ${baseUrl}/soap/DescargaMasiva?wsdl`,
    `  WSDL v2:             ${baseUrl}${DESCARGA_MASIVA_V2_PATH}?wsdl`,
    `  MYSuite-compatible:  ${baseUrl}/mx.com.fact.wsfront/FactWSFront.asmx?wsdl`,
    `  Web interface:       ${baseUrl}/ (${DEMO.username} / ${DEMO.password})`,
    `  Demo API user:       ${DEMO.username} / ${DEMO.password}`,
    `  Demo Requestor GUID: ${DEMO.requestor}`,
    `  Demo RFC (fake FIEL): ${DEMO.rfc}`,
    `  Health:              ${baseUrl}/healthz`,
    '',
  ].join('\n');
}

async function releaseAll(closers: Closer[], logger: Logger): Promise<void> {
  for (const close of [...closers].reverse()) {
    try {
      await close();
    } catch (error) {
      logger.error('shutdown step failed', { error });
    }
  }
}

/** Exit codes: 2 for bad configuration or environment (nothing left running), 1 for any other start-up failure. */
async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig(readEnvironment());
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`descarga-masiva: ${error.code} ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger({ level: config.logLevel, defaultMeta: { service: 'descarga-masiva' } });
  let application: RunningApplication;
  try {
    application = await startApplication(config, logger);
  } catch (error) {
    logger.error('start-up failed', { error, code: error instanceof AppError ? error.code : undefined });
    // What the operator must change (run as root without a postgres user, data of an earlier
    // release): one readable line besides the JSON log, and the configuration exit code.
    if (error instanceof ConfigError) {
      console.error(`descarga-masiva: ${error.code} ${error.message}`);
      process.exit(2);
    }
    process.exit(1);
  }
  const shutdown = (signal: string): void => {
    logger.info('shutting down', { signal });
    application.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

if (require.main === module) {
  void main();
}
