/**
 * Pushes a generated package of SIZE_MB through the SAT client's streaming download and prints MB/s
 * and the peak RSS of the downloading process. By default the generating server runs in the same
 * process (its memory is counted too); with `--url U` the client downloads from a server elsewhere
 * (the memory test runs it that way, so the figure is the client's alone).
 *
 *   npx tsx bench/download-stream.ts [SIZE_MB=500] [--url U] [--json]
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Fiel, NodeSatTransport, SatClient, endpointsAt } from '../src/sat';
import { startGeneratedSat } from './support/generated-sat';

const MB = 1024 * 1024;
const sizeMb = Number(process.argv.find((argument) => /^\d+$/.test(argument)) ?? 500);
const asJson = process.argv.includes('--json');
const externalUrl = process.argv[process.argv.indexOf('--url') + 1];
const root = path.join(__dirname, '..');

function fakeFiel(): Fiel {
  const directory = path.join(root, 'fixtures/fake-fiel');
  return Fiel.create({
    certificate: readFileSync(path.join(directory, 'EKU9003173C9.cer')),
    privateKey: readFileSync(path.join(directory, 'EKU9003173C9.key')),
    password: readFileSync(path.join(directory, 'EKU9003173C9-password.txt'), 'utf8'),
  });
}

/**
 * The kernel's own peak for this process image (Linux). Not getrusage's maxRSS: that survives exec, so
 * a child forked from a big parent (the memory test runs in a Jest worker) reports the parent's size.
 */
function highWaterRss(): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const size = sizeMb * MB;
  const local = process.argv.includes('--url') ? undefined : await startGeneratedSat(size);
  const transport = new NodeSatTransport({
    connectTimeoutMs: 5000,
    idleTimeoutMs: 30_000,
    totalTimeoutMs: 3_600_000,
  });
  const client = new SatClient({
    fiel: fakeFiel(),
    endpoints: endpointsAt(local?.url ?? (externalUrl as string), 'cfdi'),
    transport,
  });

  // The breakdown at the peak tells retained JS objects (heap) from buffers awaiting release (external).
  let peak = process.memoryUsage();
  const sample = (): void => {
    const now = process.memoryUsage();
    if (now.rss > peak.rss) peak = now;
  };
  const sampler = setInterval(sample, 20);
  const started = process.hrtime.bigint();
  const answer = await client.download('BENCH_01');
  const clientHash = createHash('sha256');
  let received = 0;
  for await (const chunk of answer.paquete as AsyncIterable<Buffer>) {
    clientHash.update(chunk);
    received += chunk.length;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(sampler);
  sample();
  const peakRss = Math.max(peak.rss, highWaterRss() ?? 0);
  transport.close();
  const sha256 = clientHash.digest('hex');
  const serverSha256 = local?.sha256();
  await local?.close();

  const result = {
    sizeMb,
    receivedBytes: received,
    sha256,
    // Checked here when the server is ours; a caller running the server compares `sha256` itself.
    intact: received === size && (serverSha256 === undefined || serverSha256 === sha256),
    seconds: Number(seconds.toFixed(2)),
    mbPerSecond: Number((received / MB / seconds).toFixed(1)),
    peakRssMb: Math.round(peakRss / MB),
    atPeakMb: {
      heapUsed: Math.round(peak.heapUsed / MB),
      external: Math.round(peak.external / MB),
      arrayBuffers: Math.round(peak.arrayBuffers / MB),
    },
  };
  if (asJson) console.log(JSON.stringify(result));
  else {
    console.log(`package ${sizeMb} MB (${received} bytes, ${result.intact ? 'intact' : 'CORRUPT'})`);
    console.log(
      `${result.mbPerSecond} MB/s of package, ${result.seconds} s, peak RSS ${result.peakRssMb} MB`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
