/**
 * Reads a generated metadata package of ROWS rows (default 1,000,000, SAT's ceiling for one request)
 * with the SAT client's metadata reader. The package is written to a temporary file first, streamed,
 * with CRLF ends and SAT's column set. Prints rows/s and the peak RSS of the reading.
 *
 *   npx tsx bench/metadata-read.ts [ROWS=1000000]
 */
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import { readMetadataPackage } from '../src/sat';

const rows = Number(process.argv[2] ?? 1_000_000);
const HEADER =
  'Uuid~RfcEmisor~NombreEmisor~RfcReceptor~NombreReceptor~RfcPac~FechaEmision~FechaCertificacionSat~Monto~EfectoComprobante~Estatus~FechaCancelacion';

function* lines(): Generator<string> {
  yield `${HEADER}\r\n`;
  for (let index = 0; index < rows; index += 1) {
    const hex = index.toString(16).padStart(12, '0').toUpperCase();
    const cancelled = index % 17 === 0;
    yield `0A1B2C3D-4E5F-4A6B-8C7D-${hex}~AAA010101AAA~EMPRESA EMISORA SA DE CV~BBB010101BBB~RECEPTOR NUMERO ${index % 500} SA~SAT970701NN3~2024-03-01 10:00:00~2024-03-01 10:00:05~${(index % 100000) / 100}~I~${cancelled ? '0' : '1'}~${cancelled ? '2024-04-01 09:00:00' : ''}\r\n`;
  }
}

async function main(): Promise<void> {
  const directory = mkdtempSync(path.join(tmpdir(), 'dm-bench-metadata-'));
  try {
    const file = path.join(directory, 'metadata.zip');
    const zip = new yazl.ZipFile();
    zip.addReadStream(Readable.from(lines(), { objectMode: false }), 'BENCH-0001.txt');
    zip.end();
    await pipeline(zip.outputStream, createWriteStream(file));

    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 50);
    const started = process.hrtime.bigint();
    let read = 0;
    let problems = 0;
    for await (const event of readMetadataPackage(file)) {
      if (event.kind === 'row') read += 1;
      else problems += 1;
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    clearInterval(sampler);
    console.log(`package ${(statSync(file).size / 1024 / 1024).toFixed(1)} MB zipped, ${rows} rows`);
    console.log(
      `${read} rows read (${problems} problems) in ${seconds.toFixed(2)} s: ${Math.round(read / seconds)} rows/s, peak RSS ${Math.round(peakRss / 1024 / 1024)} MB`,
    );
    if (read !== rows || problems !== 0) process.exitCode = 1;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
