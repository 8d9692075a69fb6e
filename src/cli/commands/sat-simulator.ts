import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import type { Command } from 'commander';
import { startSatSimulator } from '../../sat-simulator';

interface SimulatorCliOptions {
  port: string;
  host: string;
  delay: string;
  documentsPerDay: string;
  perPackage: string;
  seed: string;
  quirks: boolean;
  faultRate: string;
  trust: string[];
  trustCa: string[];
  holdAcceptedMetadata?: string;
  holdAcceptedCfdi?: string;
  countMetadataLifetime: boolean;
  strict: boolean;
  dailyRequestLimit?: string;
}

/** A certificate file as SAT issues it (DER `.cer`) or PEM; the simulator wants DER. */
function certificateDer(file: string): Buffer {
  try {
    return new X509Certificate(readFileSync(file)).raw;
  } catch (error) {
    throw new Error(`${file} is not a readable X.509 certificate (${(error as Error).message})`, {
      cause: error,
    });
  }
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function numberIn(name: string, value: string, min: number, max: number): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < min || parsed > max)
    throw new Error(`--${name} must be a number from ${min} to ${max}, not "${value}"`);
  return parsed;
}

/** `sat-simulator --port N`: SAT's Descarga Masiva, simulated, for demos and integration tests. */
export function registerSatSimulatorCommand(program: Command): void {
  program
    .command('sat-simulator')
    .description('Run the SAT Descarga Masiva simulator (CFDI at /, Retenciones at /retenciones)')
    .option('--port <port>', 'port to listen on', '8081')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--delay <seconds>', 'seconds a request spends Aceptada and then EnProceso', '3')
    .option('--documents-per-day <n>', 'most documents per RFC and day in the synthetic corpus', '4')
    .option('--per-package <n>', 'XML documents per package (metadata: ten times as many rows)', '200')
    .option('--seed <text>', 'seed of the synthetic corpus', 'descarga-masiva')
    .option('--quirks', 'write metadata with the anomalies of real SAT files', false)
    .option('--fault-rate <share>', 'share of calls failed at random with transient faults (0-1)', '0')
    .option('--trust <file>', 'trust this FIEL certificate (.cer, DER or PEM); repeatable', collect, [])
    .option('--trust-ca <file>', 'trust FIELs issued by this CA certificate; repeatable', collect, [])
    .option(
      '--hold-accepted-metadata <seconds>',
      'seconds Metadata requests stay Aceptada before progressing',
    )
    .option('--hold-accepted-cfdi <seconds>', 'seconds CFDI (XML) requests stay Aceptada before progressing')
    .option(
      '--count-metadata-lifetime',
      'limit identical Metadata requests to two in a lifetime (5002)',
      false,
    )
    .option('--strict', "answer 305 to SAT's test FIEL and ActionNotSupported to a wrong SOAPAction", false)
    .option('--daily-request-limit <n>', 'requests each RFC may have accepted per Mexico City day (5011)')
    .action(async (options: SimulatorCliOptions) => {
      const trusted = options.trust.map(certificateDer);
      const seconds = (name: string, value: string | undefined): number | undefined =>
        value === undefined ? undefined : numberIn(name, value, 0, 365 * 86_400);
      const dailyLimit =
        options.dailyRequestLimit === undefined
          ? undefined
          : numberIn('daily-request-limit', options.dailyRequestLimit, 0, 1_000_000);
      if (dailyLimit !== undefined && !Number.isInteger(dailyLimit))
        throw new Error(`--daily-request-limit must be a whole number, not "${options.dailyRequestLimit}"`);
      const simulator = await startSatSimulator({
        port: numberIn('port', options.port, 0, 65535),
        host: options.host,
        delaySeconds: numberIn('delay', options.delay, 0, 86_400),
        documentsPerDay: numberIn('documents-per-day', options.documentsPerDay, 0, 10_000),
        perPackage: numberIn('per-package', options.perPackage, 1, 200_000),
        seed: options.seed,
        quirks: options.quirks,
        faultRate: numberIn('fault-rate', options.faultRate, 0, 1),
        // The fixtures' fake FIEL stays trusted unless certificates are named explicitly.
        ...(trusted.length > 0 ? { trustedCertificates: trusted } : {}),
        trustedAuthorities: options.trustCa.map(certificateDer),
        holdAccepted: {
          Metadata: seconds('hold-accepted-metadata', options.holdAcceptedMetadata),
          CFDI: seconds('hold-accepted-cfdi', options.holdAcceptedCfdi),
        },
        countMetadataLifetime: options.countMetadataLifetime,
        strict: options.strict,
        dailyRequestLimit: dailyLimit,
      });
      console.log(
        `SAT simulator listening on ${simulator.url} (Retenciones under ${simulator.url}/retenciones)`,
      );
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          void simulator.close().then(resolve);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
