import { createHash } from 'node:crypto';
import type { Operation } from './protocol';

/**
 * What can go wrong with one call, as SAT's outages show it:
 * - `http500` / `http503`: the service fails (a WCF InternalServiceFault / an empty 503 from the proxy);
 * - `timeout`: the request is read and never answered (the client's timeout must fire);
 * - `drop`: the connection closes before any answer;
 * - `dropMidPackage`: a Descarga answer stops half-way through the package;
 * - `corruptPackage`: a Descarga answer arrives whole and well-formed, but one character of the package's
 *   base64 is changed on the way (what a faulty proxy or a flipped bit does): only the ZIP's CRC tells;
 * - `malformedXml`: HTTP 200 with an answer cut short;
 * - `expiredToken`: the token is treated as expired (signed operations answer 300 Usuario No Válido);
 * - `latency`: the call is answered normally after `ms` milliseconds (not at all if the client left);
 * - `stallMidPackage`: a Descarga answer pauses half-way through the package for `ms` milliseconds;
 * - `codEstatus`: the call is answered with this SAT code (404 Error no Controlado, 5006 …).
 */
export type InjectedFault =
  | 'http500'
  | 'http503'
  | 'timeout'
  | 'drop'
  | 'dropMidPackage'
  | 'corruptPackage'
  | 'malformedXml'
  | 'expiredToken'
  | { readonly latencyMs: number }
  | { readonly stallMidPackageMs: number }
  | { readonly codEstatus: string };

/** Faults drawn at random under `faultRate` by default: transient ones a robust client must ride out. */
export const DEFAULT_RANDOM_FAULTS: readonly InjectedFault[] = [
  'http500',
  'http503',
  'drop',
  { codEstatus: '404' },
];

interface QueuedFault {
  readonly operation: Operation | undefined;
  readonly rfc: string | undefined;
  readonly fault: InjectedFault;
}

export function isInjectedFault(value: unknown): value is InjectedFault {
  if (typeof value === 'string')
    return [
      'http500',
      'http503',
      'timeout',
      'drop',
      'dropMidPackage',
      'corruptPackage',
      'malformedXml',
      'expiredToken',
    ].includes(value);
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  for (const key of ['latencyMs', 'stallMidPackageMs'])
    if (key in record)
      return Number.isInteger(record[key]) && Number(record[key]) >= 0 && Number(record[key]) <= 600_000;
  return typeof record.codEstatus === 'string' && /^\d{3,4}$/.test(record.codEstatus);
}

/**
 * The faults a simulator instance will inject: queued ones (the next matching call gets the first
 * that fits, each used once) and, when `rate` > 0, random transient ones drawn from a seeded sequence
 * so that a failing run can be replayed.
 */
export class FaultPlan {
  private readonly queue: QueuedFault[] = [];
  private draws = 0;

  constructor(
    private rate = 0,
    private readonly seed = 'faults',
    private randomFaults: readonly InjectedFault[] = DEFAULT_RANDOM_FAULTS,
  ) {}

  /** Queues `fault` for the next call of `operation` (any when undefined) by `rfc` (anyone when undefined). */
  add(fault: InjectedFault, operation?: Operation, rfc?: string, times = 1): void {
    for (let index = 0; index < times; index += 1)
      this.queue.push({ fault, operation, rfc: rfc?.toUpperCase() });
  }

  /** Random faults on this share of calls, drawn from `faults` when given. */
  setRate(rate: number, faults?: readonly InjectedFault[]): void {
    this.rate = rate;
    if (faults && faults.length > 0) this.randomFaults = faults;
  }

  clear(): void {
    this.queue.length = 0;
  }

  pending(): number {
    return this.queue.length;
  }

  /**
   * The fault for this call, if any. Queued faults for a given RFC wait until that RFC is known (the
   * signer of a signed call, or of the certificate on Autentica).
   */
  take(operation: Operation, rfc: string | undefined): InjectedFault | undefined {
    const index = this.queue.findIndex(
      (item) =>
        (item.operation === undefined || item.operation === operation) &&
        (item.rfc === undefined || item.rfc === rfc),
    );
    if (index >= 0) return this.queue.splice(index, 1)[0]?.fault;
    if (this.rate <= 0) return undefined;
    const bytes = createHash('sha256')
      .update(`${this.seed}|${(this.draws += 1)}`)
      .digest();
    if (bytes.readUInt32BE(0) / 0x1_0000_0000 >= this.rate) return undefined;
    return this.randomFaults[bytes[4]! % this.randomFaults.length];
  }
}
