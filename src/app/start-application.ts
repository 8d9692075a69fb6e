import 'reflect-metadata';
import type { AppConfig } from '../config';
import { countSolicitudesByEstado } from '../db';
import type { Logger } from '../logging';
import { Metrics } from '../metrics';
import { WebhookNotifier } from '../services/notifications';
import { FielVault } from '../services/secrets';
import { RegistrationService } from '../services/solicitudes';
import { demoBanner } from './banner';
import { serveHttp } from './http';
import { openInfrastructure } from './infrastructure';
import { ShutdownOrder, type RunningApplication } from './lifecycle';
import { connectSat } from './sat';
import { createJobRunner, openJobPool, startWorkers } from './workers';

export interface StartOptions {
  /** Where the start-up banner goes (standard output by default; tests pass a collector). */
  readonly announce?: (text: string) => void;
  /** `false` runs only the workers (`descarga-masiva worker`): no HTTP, jobs always on. */
  readonly serveHttp?: boolean;
}

/**
 * The composition root: the only place that builds concrete classes and wires them together.
 * config -> logger -> database -> object store -> SAT -> services -> workers + HTTP (SOAP, web).
 */
export async function startApplication(
  config: AppConfig,
  logger: Logger,
  options: StartOptions = {},
): Promise<RunningApplication> {
  const shutdown = new ShutdownOrder(logger);
  const workerOnly = options.serveHttp === false;
  try {
    const infrastructure = await openInfrastructure(config, logger, shutdown, { workerOnly });
    const { dataSource } = infrastructure.database;
    const jobsPool = await openJobPool(config, logger, infrastructure.database.url, shutdown);
    const metrics = new Metrics({ solicitudStates: () => countSolicitudesByEstado(dataSource) });
    const jobs = createJobRunner(config, logger, jobsPool, metrics);
    // Solicitud state changes become webhook deliveries in the transaction that records them.
    const webhookNotifier = new WebhookNotifier(jobs, logger);
    // Packages near SAT's expiry and not stored are announced to the tenant's webhooks too.
    const sat = connectSat(config, logger, infrastructure, metrics, shutdown, [webhookNotifier]);
    // Shared by the API and the workers (the reconciliation's status recheck registers too).
    const registration = new RegistrationService(dataSource, jobs, {
      settlementWindowHours: config.settlementWindowHours,
      caps: sat.caps,
    });
    const fielVault = new FielVault(dataSource, infrastructure.box);
    const parts = { config, logger, infrastructure, metrics, sat, registration, fielVault };
    await startWorkers({ ...parts, jobs, webhookNotifier }, shutdown, { workerOnly });
    if (workerOnly) {
      logger.info('worker started', {
        satMode: config.sat.mode,
        sat: infrastructure.satBaseUrl ?? 'SAT production hosts',
      });
      return shutdown.running('', 0);
    }

    const { url, port } = await serveHttp(parts, shutdown);
    if (config.sat.mode === 'simulator') {
      // eslint-disable-next-line no-console -- the banner is for the person at the terminal, not the JSON log
      (options.announce ?? console.log)(demoBanner(config.publicBaseUrl ?? url));
    }
    return shutdown.running(url, port);
  } catch (error) {
    await shutdown.releaseAll();
    throw error;
  }
}
