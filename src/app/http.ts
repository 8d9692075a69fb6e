import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../config';
import { type ApiUserCache, createApiUserCache, followApiUserChanges } from '../db';
import type { Logger } from '../logging';
import type { Metrics } from '../metrics';
import { ApiUserService, ContribuyenteDirectory, FielEnrollment, FielRoster } from '../services/accounts';
import { AuditTrail } from '../services/audit';
import { AuthThrottle } from '../services/auth-limits';
import { CfdiExports, CfdiService, CfdiTotals } from '../services/cfdi';
import { WebhookService } from '../services/notifications';
import { PagosService } from '../services/pagos';
import { ReconciliationService } from '../services/reconciliation';
import { HashingGate, VerifiedSecretCache, type FielVault } from '../services/secrets';
import {
  DownloadLinkService,
  SolicitudQueryService,
  type RegistrationService,
} from '../services/solicitudes';
import { SessionStore, WebUserService } from '../services/web-access';
import { LocalDiskObjectStore } from '../storage';
import {
  createHealthRouter,
  createLocalFileLinksRouter,
  createMetricsRouter,
  finalErrorHandler,
  requestContext,
} from '../web';
import { createWebRouter } from '../web/ui/web-router';
import type { Infrastructure } from './infrastructure';
import { closeServer, type ShutdownOrder } from './lifecycle';
import type { SatConnection } from './sat';
import { createSoapBindings } from './soap-bindings';

/** What the HTTP part uses, built once by the caller and shared with the workers where both need it. */
export interface HttpParts {
  readonly config: AppConfig;
  readonly logger: Logger;
  readonly infrastructure: Infrastructure;
  readonly metrics: Metrics;
  readonly sat: SatConnection;
  readonly registration: RegistrationService;
  readonly fielVault: FielVault;
}

/** Builds the express app (health, metrics, links, SOAP, web), listens, and says where. */
export async function serveHttp(
  parts: HttpParts,
  shutdown: ShutdownOrder,
): Promise<{ url: string; port: number }> {
  const { config, logger, infrastructure, metrics, sat, registration, fielVault } = parts;
  const { dataSource } = infrastructure.database;
  const { box, objectStore } = infrastructure;
  const audit = new AuditTrail(dataSource, logger);
  shutdown.add(() => audit.flush());
  const queries = new SolicitudQueryService(dataSource);
  // One gate for every password check, API and web alike: together they use a bounded share of the CPU.
  const hashing = new HashingGate();
  const apiUsers = new ApiUserService(
    dataSource,
    box,
    new VerifiedSecretCache(),
    hashing,
    await followedApiUserCache(dataSource, logger, shutdown),
  );
  const links = new DownloadLinkService(dataSource, objectStore, config.linkTtlSeconds);
  const contribuyentes = new ContribuyenteDirectory(dataSource);
  const fielEnrollment = new FielEnrollment(fielVault);
  const reconciliation = new ReconciliationService(dataSource);
  const pagos = new PagosService(dataSource);
  const cfdi = new CfdiService(dataSource, objectStore, config.linkTtlSeconds, pagos);
  const soapBindings = await createSoapBindings({
    config,
    logger,
    metrics,
    audit,
    descargaMasiva: { registration, queries, links, cfdi, reconciliation, pagos, satHealth: sat.health },
    mysuite: { apiUsers, contribuyentes, fielEnrollment, registration, queries, links },
  });

  const app = express();
  app.disable('x-powered-by');
  app.use(requestContext());
  // First: ERPs' calls are most of the traffic, and each router passed over costs every call.
  for (const [at, router] of soapBindings) app.use(at, router);
  app.use(createHealthRouter(infrastructure.probes));
  app.use(createMetricsRouter(metrics));
  if (objectStore instanceof LocalDiskObjectStore) {
    app.use(createLocalFileLinksRouter(objectStore, { secret: infrastructure.linkSecret }));
  }
  // Last: the web interface answers every path the services above did not take.
  app.use(
    createWebRouter(
      {
        logger,
        users: new WebUserService(
          dataSource,
          { maxFailures: config.web.loginMaxFailures, lockoutMinutes: config.web.lockoutMinutes },
          undefined,
          hashing,
        ),
        // Its own counters: web logins and API usernames are different accounts that may share a name.
        signInThrottle: new AuthThrottle(config.authThrottle),
        sessions: new SessionStore(dataSource, config.web.sessionHours),
        contribuyentes,
        registration,
        queries,
        links,
        fielRoster: new FielRoster(dataSource),
        cfdi,
        cfdiTotals: new CfdiTotals(dataSource),
        cfdiExports: new CfdiExports(dataSource, objectStore),
        reconciliation,
        fielEnrollment,
        fielVault,
        apiUsers,
        satHealth: sat.health,
        satTrail: sat.trail,
        webhooks: new WebhookService(dataSource, box, { allowHttp: config.notifications.allowHttp }),
      },
      { secureCookies: config.web.secureCookies, showDemoHint: config.sat.mode === 'simulator' },
    ),
  );
  // Errors no router answered itself end here, whatever NODE_ENV says: never Express's default page.
  app.use(finalErrorHandler(logger));

  const server = await listen(app, config.port, config.host);
  shutdown.add(() => closeServer(server));
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  infrastructure.useListeningUrl(url);
  logger.info('service started', {
    url,
    satMode: config.sat.mode,
    sat: infrastructure.satBaseUrl ?? 'SAT production hosts',
    storage: config.storage.kind,
  });
  return { url, port };
}

/**
 * Active API users in memory, emptied at every committed change to api_users and bypassed while the
 * connection that hears those changes is down: authentication then costs no statement per call.
 */
async function followedApiUserCache(
  dataSource: DataSource,
  logger: Logger,
  shutdown: ShutdownOrder,
): Promise<ApiUserCache> {
  const cache = createApiUserCache();
  const listener = await followApiUserChanges(dataSource, cache, (event) => {
    if (event.kind === 'listening') logger.info('api user changes followed', { channel: event.channel });
    else logger.warn('api user changes not followed: every call reads the table', { ...event });
  });
  shutdown.add(() => listener.close());
  return cache;
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
