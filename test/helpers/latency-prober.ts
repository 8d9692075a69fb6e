import { Worker } from 'node:worker_threads';

export interface ProbeResults {
  /** Milliseconds of each request, in order. */
  readonly latencies: number[];
  readonly statuses: number[];
  /** Highest resident set size of `watchPid` seen while probing (0 without one). */
  readonly peakRssBytes: number;
}

export interface ProberOptions {
  readonly pauseMs?: number;
  /** A process whose VmRSS is sampled every 10 ms on the same thread. */
  readonly watchPid?: number;
}

// Runs on its own thread: a test that floods the service from the main thread must not delay the
// probes itself and then blame the service for it.
const PROBER = `
const { parentPort, workerData } = require('node:worker_threads');
const { performance } = require('node:perf_hooks');
const { readFileSync } = require('node:fs');
let running = true;
let peakRssBytes = 0;
const sampler = workerData.watchPid === undefined ? undefined : setInterval(() => {
  try {
    const match = /^VmRSS:\\s+(\\d+)\\s+kB/m.exec(readFileSync('/proc/' + workerData.watchPid + '/status', 'utf8'));
    if (match) peakRssBytes = Math.max(peakRssBytes, Number(match[1]) * 1024);
  } catch {
    // the process is gone; the statuses of the probes say so
  }
}, 10);
parentPort.on('message', () => { running = false; });
(async () => {
  const latencies = [];
  const statuses = [];
  while (running) {
    const started = performance.now();
    try {
      const answer = await fetch(workerData.url);
      await answer.arrayBuffer();
      statuses.push(answer.status);
    } catch {
      statuses.push(0);
    }
    latencies.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, workerData.pauseMs));
  }
  if (sampler !== undefined) clearInterval(sampler);
  parentPort.postMessage({ latencies, statuses, peakRssBytes });
})();
`;

/** GETs `url` one request after another (with `pauseMs` between) until `stop()`. */
export function startLatencyProber(
  url: string,
  options: ProberOptions = {},
): { stop(): Promise<ProbeResults> } {
  const worker = new Worker(PROBER, {
    eval: true,
    workerData: { url, pauseMs: options.pauseMs ?? 20, watchPid: options.watchPid },
  });
  const results = new Promise<ProbeResults>((resolve, reject) => {
    worker.once('message', (message: ProbeResults) => {
      resolve(message);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
  return {
    stop: () => {
      worker.postMessage('stop');
      return results;
    },
  };
}
