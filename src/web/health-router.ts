import { Router } from 'express';

/** A named dependency check: resolves when the dependency answers, rejects otherwise. */
export type HealthProbe = () => Promise<void>;

export interface HealthReport {
  readonly status: 'ok' | 'degraded';
  readonly checks: Record<
    string,
    { readonly status: 'ok' | 'failing'; readonly latencyMs: number; readonly error?: string }
  >;
}

const PROBE_TIMEOUT_MS = 5_000;

async function runProbe(probe: HealthProbe): Promise<HealthReport['checks'][string]> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)),
          PROBE_TIMEOUT_MS,
        );
      }),
    ]);
    return { status: 'ok', latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    // Only the error's message: a driver's error object may carry connection strings.
    const message = error instanceof Error ? error.message : String(error);
    return { status: 'failing', latencyMs: Math.round(performance.now() - started), error: message };
  } finally {
    clearTimeout(timer);
  }
}

export async function checkHealth(probes: Readonly<Record<string, HealthProbe>>): Promise<HealthReport> {
  const names = Object.keys(probes);
  const results = await Promise.all(names.map((name) => runProbe(probes[name] as HealthProbe)));
  const checks = Object.fromEntries(
    names.map((name, index) => [name, results[index]]),
  ) as HealthReport['checks'];
  const status = results.every((result) => result.status === 'ok') ? 'ok' : 'degraded';
  return { status, checks };
}

/** `/healthz`: 200 when every dependency answers, 503 (with the failing ones named) otherwise. */
export function createHealthRouter(probes: Readonly<Record<string, HealthProbe>>): Router {
  const router = Router();
  router.get('/healthz', async (_request, response) => {
    const report = await checkHealth(probes);
    response.status(report.status === 'ok' ? 200 : 503).json(report);
  });
  return router;
}
