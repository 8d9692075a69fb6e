/**
 * A package end to end, as a worker moves it: a generated SAT answer of SIZE_MB (base64 in SOAP, made on
 * the fly) -> the SAT client's streaming download -> the object store (local disk by default, or an
 * S3-speaking server on loopback with `--s3`) with its SHA-256 computed on the way. Prints MB/s, the
 * peak RSS of this process (which also runs the generating server, and s3rver with `--s3`) and whether
 * the stored hash matches what the server sent.
 *
 *   npx tsx bench/package-end-to-end.ts [SIZE_MB=500] [--s3]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { Fiel, NodeSatTransport, SatClient, endpointsAt } from '../src/sat';
import { LocalDiskObjectStore, S3ObjectStore, type ObjectStore } from '../src/storage';
import { startS3Server } from '../test/helpers/s3-server';
import { startGeneratedSat } from './support/generated-sat';

const MB = 1024 * 1024;
const sizeMb = Number(process.argv.find((argument) => /^\d+$/.test(argument)) ?? 500);
const useS3 = process.argv.includes('--s3');
const root = path.join(__dirname, '..');

function fakeFiel(): Fiel {
  const directory = path.join(root, 'fixtures/fake-fiel');
  return Fiel.create({
    certificate: readFileSync(path.join(directory, 'EKU9003173C9.cer')),
    privateKey: readFileSync(path.join(directory, 'EKU9003173C9.key')),
    password: readFileSync(path.join(directory, 'EKU9003173C9-password.txt'), 'utf8'),
  });
}

async function main(): Promise<void> {
  const size = sizeMb * MB;
  const sat = await startGeneratedSat(size);
  const directory = mkdtempSync(path.join(tmpdir(), 'dm-bench-e2e-'));
  const s3 = useS3 ? await startS3Server() : undefined;
  const store: ObjectStore = s3
    ? new S3ObjectStore({ ...s3, region: 'us-east-1', bucket: 'bench-paquetes' })
    : new LocalDiskObjectStore({
        directory,
        baseUrl: () => 'http://127.0.0.1',
        linkSecret: Buffer.alloc(32, 1),
      });
  await store.ensureReady();
  const transport = new NodeSatTransport({
    connectTimeoutMs: 5000,
    idleTimeoutMs: 30_000,
    totalTimeoutMs: 3_600_000,
  });
  const client = new SatClient({ fiel: fakeFiel(), endpoints: endpointsAt(sat.url, 'cfdi'), transport });

  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 20);
  const started = process.hrtime.bigint();
  const answer = await client.download('BENCH_01');
  const stored = await store.put(
    'bench/tenant/EKU9003173C9/2026/solicitud/BENCH_01.zip',
    answer.paquete as Readable,
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);

  const intact = stored.size === size && stored.sha256 === sat.sha256();
  console.log(
    `package ${sizeMb} MB -> ${s3 ? 'S3 (s3rver on loopback)' : 'local disk'}: ${intact ? 'stored intact' : 'CORRUPT'}`,
  );
  console.log(
    `${(size / MB / seconds).toFixed(1)} MB/s, ${seconds.toFixed(2)} s, peak RSS ${Math.round(peakRss / MB)} MB`,
  );
  transport.close();
  await sat.close();
  await s3?.close();
  rmSync(directory, { recursive: true, force: true });
  if (!intact) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
