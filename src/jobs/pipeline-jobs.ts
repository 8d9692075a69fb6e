import type { DataSource } from 'typeorm';
import type { Logger } from '../logging';
import {
  DESCARGAR_JOB,
  INDEXAR_JOB,
  type PackageIndexer,
  SOLICITAR_JOB,
  VERIFICAR_JOB,
  findOverdueWork,
  type SolicitudPipeline,
} from '../services/pipeline';
import type { JobRunner } from './job-runner';

export const SWEEP_JOB = 'barrer';
const SWEEP_KEY = 'global';

export interface PipelineJobOptions {
  readonly concurrency: number;
  /** How often the sweeper looks for overdue work, and how late work must be to count. */
  readonly sweepEverySeconds: number;
}

/** Binds each pipeline step to its Agenda job; the handlers only decode the key and call the service. */
export function registerPipelineJobs(
  runner: JobRunner,
  pipeline: SolicitudPipeline,
  indexer: PackageIndexer,
  dataSource: DataSource,
  logger: Logger,
  options: PipelineJobOptions,
): void {
  runner.define(SOLICITAR_JOB, (key) => pipeline.solicitar(key), { concurrency: options.concurrency });
  runner.define(VERIFICAR_JOB, (key) => pipeline.verificar(key), { concurrency: options.concurrency });
  runner.define(DESCARGAR_JOB, (key) => pipeline.descargar(key), { concurrency: options.concurrency });
  runner.define(INDEXAR_JOB, (key) => indexer.index(key), {
    concurrency: Math.max(1, Math.floor(options.concurrency / 2)),
  });
  runner.define(
    SWEEP_JOB,
    async () => {
      const overdue = await findOverdueWork(dataSource, options.sweepEverySeconds);
      for (const work of overdue) await runner.enqueueIfAbsent(work.name, work.key, work.runAt);
      if (overdue.length > 0) logger.warn('overdue work re-scheduled', { count: overdue.length });
      return new Date(Date.now() + options.sweepEverySeconds * 1000);
    },
    { concurrency: 1 },
  );
}

/** Starts the sweeper loop once per database (unique job), whichever worker gets it. */
export async function scheduleSweeper(runner: JobRunner): Promise<void> {
  await runner.enqueueIfAbsent(SWEEP_JOB, SWEEP_KEY);
}
