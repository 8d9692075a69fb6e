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
 * - `tokenRefused401` / `tokenRefused403` / `tokenRefusedFault` (signed calls): the token the call
 *   carries is ended and the call answered HTTP 401 / 403 (a small HTML page, no SOAP) or HTTP 500
 *   with an `a:InvalidSecurity` Fault; a fresh token (new Autentica) works;
 * - `acceptThenTimeout` / `acceptThenDrop` / `acceptThen404` (Solicitud): the request is registered
 *   as SAT would register it (accepted, counted, active) and then its answer is lost: never sent, the
 *   connection closed, or HTTP 404 carrying the normal answer with CodEstatus 5000 and the IdSolicitud.
 *   When SAT would not have accepted the request (5005, 5002, 5011, a signature problem…) it is
 *   answered normally: the fault only ever loses an acceptance;
 * - `metadataWithoutHeader` (Descarga): the metadata `.txt` of this package has rows and no header
 *   line (a CFDI package is unchanged);
 * - `metadataWindows1252` (Descarga): the metadata `.txt` files of this package are Windows-1252, not
 *   UTF-8 (a CFDI package is unchanged);
 * - `latency`: the call is answered normally after `ms` milliseconds (not at all if the client left);
 * - `stallMidPackage`: a Descarga answer pauses half-way through the package for `ms` milliseconds;
 * - `codEstatus`: the call is answered with this SAT code (404 Error no Controlado, 5006 …).
 */
export type InjectedFault =
  | TransportFault
  | TokenFault
  | LostAcceptanceFault
  | PackageFault
  | { readonly latencyMs: number }
  | { readonly stallMidPackageMs: number }
  | { readonly codEstatus: string };

/** The call gets no SAT answer: the service fails, the connection is lost, or the answer is cut short. */
export type TransportFault = 'http500' | 'http503' | 'timeout' | 'drop' | 'malformedXml';
/** The token the call carries dies. */
export type TokenFault = 'expiredToken' | 'tokenRefused401' | 'tokenRefused403' | 'tokenRefusedFault';
/** Solicitud: an accepted request's answer is lost. */
export type LostAcceptanceFault = 'acceptThenTimeout' | 'acceptThenDrop' | 'acceptThen404';
/** Descarga: the package arrives damaged, or with the anomalies of real metadata files. */
export type PackageFault =
  'dropMidPackage' | 'corruptPackage' | 'metadataWithoutHeader' | 'metadataWindows1252';

/**
 * An injected fault with its kind spelled out: `InjectedFault` keeps the shape tests and the test API
 * write, and code switches on `kind` instead of probing for fields.
 */
export type TaggedFault =
  | { readonly kind: TransportFault }
  | { readonly kind: TokenFault }
  | { readonly kind: LostAcceptanceFault }
  | { readonly kind: PackageFault }
  | { readonly kind: 'latency'; readonly ms: number }
  | { readonly kind: 'stallMidPackage'; readonly ms: number }
  | { readonly kind: 'codEstatus'; readonly codEstatus: string };

export function tagFault(fault: InjectedFault): TaggedFault {
  if (typeof fault === 'string') return { kind: fault };
  if ('latencyMs' in fault) return { kind: 'latency', ms: fault.latencyMs };
  if ('stallMidPackageMs' in fault) return { kind: 'stallMidPackage', ms: fault.stallMidPackageMs };
  return { kind: 'codEstatus', codEstatus: fault.codEstatus };
}

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

const SIGNED: readonly Operation[] = ['solicitud', 'verificacion', 'descarga'];

/**
 * Faults that only mean something on some operations. Queued without an operation, they wait for the
 * first call they fit; drawn at random for a call they do not fit, the call goes through unharmed.
 */
const ONLY_ON: Readonly<Record<string, readonly Operation[]>> = Object.freeze({
  tokenRefused401: SIGNED,
  tokenRefused403: SIGNED,
  tokenRefusedFault: SIGNED,
  acceptThenTimeout: ['solicitud'],
  acceptThenDrop: ['solicitud'],
  acceptThen404: ['solicitud'],
  metadataWithoutHeader: ['descarga'],
  metadataWindows1252: ['descarga'],
});

const STRING_FAULTS: readonly string[] = [
  'http500',
  'http503',
  'timeout',
  'drop',
  'dropMidPackage',
  'corruptPackage',
  'malformedXml',
  'expiredToken',
  ...Object.keys(ONLY_ON),
];

/** Whether `fault` can happen on a call of `operation`. */
export function faultFits(fault: InjectedFault, operation: Operation): boolean {
  const only = typeof fault === 'string' ? ONLY_ON[fault] : undefined;
  return only === undefined || only.includes(operation);
}

/** The operations `fault` can happen on, when it is limited to some (for messages). */
export function operationsOf(fault: InjectedFault): readonly Operation[] | undefined {
  return typeof fault === 'string' ? ONLY_ON[fault] : undefined;
}

export function isInjectedFault(value: unknown): value is InjectedFault {
  if (typeof value === 'string') return STRING_FAULTS.includes(value);
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

  /**
   * Queues `fault` for the next call of `operation` (any it fits when undefined) by `rfc` (anyone when
   * undefined). A fault named for an operation it cannot happen on is refused (it would never fire).
   */
  add(fault: InjectedFault, operation?: Operation, rfc?: string, times = 1): void {
    if (operation !== undefined && !faultFits(fault, operation))
      throw new RangeError(
        `fault ${String(fault)} only happens on ${(operationsOf(fault) ?? []).join(', ')}, not on ${operation}`,
      );
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
        (item.rfc === undefined || item.rfc === rfc) &&
        faultFits(item.fault, operation),
    );
    if (index >= 0) return this.queue.splice(index, 1)[0]?.fault;
    if (this.rate <= 0) return undefined;
    const bytes = createHash('sha256')
      .update(`${this.seed}|${(this.draws += 1)}`)
      .digest();
    if (bytes.readUInt32BE(0) / 0x1_0000_0000 >= this.rate) return undefined;
    const drawn = this.randomFaults[bytes[4]! % this.randomFaults.length];
    return drawn !== undefined && faultFits(drawn, operation) ? drawn : undefined;
  }
}
