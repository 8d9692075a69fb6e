/**
 * Temporary files of LocalDiskObjectStore writes (`objects/.tmp/*.part`) and when one may be deleted.
 * Several processes share the folder (the service, `descarga-masiva worker`, the CLI), possibly on
 * other hosts or in other containers, so a part is only deleted when its writer is surely gone:
 *
 * - it is older than `staleAfterMs` (by modification time): a live writer touches its part with every
 *   chunk, and a download that stalls longer than SAT_IDLE_TIMEOUT_MS is aborted and its part deleted;
 * - or its name says it was written in this same process space (same boot, same PID namespace) by a
 *   process that no longer exists — at once, with no age to wait for (the usual kill -9 and restart).
 *
 * Parts of writers elsewhere (another container or host, a name this version did not write) wait for
 * the age rule: a PID means nothing outside its own namespace.
 */

/** Who wrote a part: written into its name, read back when sweeping. */
export interface PartWriter {
  /** Hex tag of the PID namespace (boot id and namespace on Linux). */
  readonly space: string;
  readonly pid: number;
  /** Random per process: tells this process from an earlier one that had the same PID. */
  readonly instance: string;
}

export interface PartFile {
  readonly name: string;
  readonly ageMs: number;
}

export type PartVerdict =
  | { readonly remove: true; readonly reason: 'old' | 'writer-gone' }
  | { readonly remove: false; readonly reason: 'not-a-part' | 'writer-alive' | 'writer-elsewhere' };

export const PART_SUFFIX = '.part';
/** Default age after which any part is stale: far above SAT's 60 s idle timeout. */
export const DEFAULT_STALE_PART_AGE_MS = 60 * 60_000;

const SPACE = /^[0-9a-f]{12}$/;
const INSTANCE = /^[0-9a-f]{8}$/;
const RANDOM = /^[0-9a-f]{24}$/;
const PART_NAME = /^([0-9a-f]{12})-(\d{1,10})-([0-9a-f]{8})-([0-9a-f]{24})\.part$/;

export function partFileName(writer: PartWriter, random: string): string {
  if (!SPACE.test(writer.space) || !INSTANCE.test(writer.instance) || !RANDOM.test(random)) {
    throw new RangeError('part name fields must be lower-case hex of the documented lengths');
  }
  if (!Number.isSafeInteger(writer.pid) || writer.pid <= 0) throw new RangeError('pid must be positive');
  return `${writer.space}-${writer.pid}-${writer.instance}-${random}${PART_SUFFIX}`;
}

/** The writer a part name records; undefined for names this scheme did not produce. */
export function writerOfPart(name: string): PartWriter | undefined {
  const match = PART_NAME.exec(name);
  if (!match) return undefined;
  const [, space = '', pid = '', instance = ''] = match;
  return { space, pid: Number(pid), instance };
}

/**
 * Whether the sweep deletes `part`. `isAlive` answers for a PID of this process space (`process.kill`
 * with signal 0); it is only asked about PIDs that are not this process's.
 */
export function judgePart(
  part: PartFile,
  self: PartWriter,
  isAlive: (pid: number) => boolean,
  staleAfterMs: number,
): PartVerdict {
  if (!part.name.endsWith(PART_SUFFIX)) return { remove: false, reason: 'not-a-part' };
  if (part.ageMs >= staleAfterMs) return { remove: true, reason: 'old' };
  const writer = writerOfPart(part.name);
  if (!writer || writer.space !== self.space) return { remove: false, reason: 'writer-elsewhere' };
  if (writer.pid === self.pid) {
    // Our PID but not our instance: an earlier process had it, so that process is gone.
    return writer.instance === self.instance
      ? { remove: false, reason: 'writer-alive' }
      : { remove: true, reason: 'writer-gone' };
  }
  return isAlive(writer.pid)
    ? { remove: false, reason: 'writer-alive' }
    : { remove: true, reason: 'writer-gone' };
}
