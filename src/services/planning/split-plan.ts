import { ValidationError, solicitudesErrors } from '../../errors';
import { fromMexicoWallClock, toMexicoWallClock } from '../periods/mexico-time';
import { timeRange, type TimeRange } from '../periods/time-range';

/** Documents issued in [start, start + one hour or minute). */
export interface DensityBucket {
  readonly start: Date;
  readonly documentos: number;
}

/** How documents spread over time: the metadata index, or a test's own numbers. */
export interface DensitySource {
  /** Documents per hour of `range` (UTC-aligned), in time order; empty hours may be left out. */
  perHour(range: TimeRange): Promise<readonly DensityBucket[]>;
  /** Documents per minute of `range`, in time order; asked only for an hour that alone is too big. */
  perMinute(range: TimeRange): Promise<readonly DensityBucket[]>;
}

/** One SAT request of a plan and the documents it is expected to hold. */
export interface PlannedPart {
  readonly periodo: TimeRange;
  readonly documentos: number;
}

const HOUR_MS = 3_600_000;
/** SAT v1.5 wants FechaInicial < FechaFinal (inclusive), so a part spans at least two seconds. */
const SHORTEST_PART_MS = 2_000;

type Unit = 'day' | 'hour' | 'minute';

/** A stretch of time that is never cut: a part may start only where an atom starts. */
interface Atom {
  readonly start: number;
  readonly end: number;
  readonly documentos: number;
  readonly unit: Unit;
}

function mexicoDayStart(instant: Date): number {
  return fromMexicoWallClock(`${toMexicoWallClock(instant).slice(0, 10)}T00:00:00`).getTime();
}

function clip(start: number, end: number, range: TimeRange): TimeRange {
  return timeRange(
    new Date(Math.max(start, range.start.getTime())),
    new Date(Math.min(end, range.end.getTime())),
  );
}

/**
 * Cuts `range` into consecutive parts that each hold at most `cap` documents, on Mexico City day
 * boundaries where days fit, on hour boundaries inside a day that does not, and on minute boundaries
 * inside an hour that does not. Parts are as few as the greedy packing of whole days (hours, minutes)
 * allows; together they cover `range` exactly, stretches without documents included, and none is
 * shorter than the two seconds SAT accepts. A minute that alone holds more than `cap` cannot be asked
 * of SAT at all: DM-9031.
 */
export async function planSplit(
  range: TimeRange,
  cap: number,
  source: DensitySource,
  tipoSolicitud: string,
): Promise<PlannedPart[]> {
  const planner = new AtomPlanner(range, cap, source, tipoSolicitud);
  const atoms = await planner.atoms();
  await planner.absorbShortEdges(atoms);
  return pack(range, atoms, cap);
}

class AtomPlanner {
  constructor(
    private readonly range: TimeRange,
    private readonly cap: number,
    private readonly source: DensitySource,
    private readonly tipoSolicitud: string,
  ) {}

  /** The coarsest atoms that each fit: days, else their hours, else their minutes. */
  async atoms(): Promise<Atom[]> {
    const atoms: Atom[] = [];
    // Mexico City's offsets are whole hours, so each hour belongs to exactly one Mexico day.
    const days = new Map<number, DensityBucket[]>();
    for (const hour of await this.source.perHour(this.range)) {
      const day = mexicoDayStart(hour.start);
      const hours = days.get(day) ?? [];
      hours.push(hour);
      days.set(day, hours);
    }
    for (const [day, hours] of days) {
      const documentos = hours.reduce((sum, hour) => sum + hour.documentos, 0);
      const end = mexicoDayStart(new Date(day + 30 * HOUR_MS));
      const atom = this.atom(day, end, documentos, 'day');
      atoms.push(...(documentos <= this.cap ? [atom] : await this.refine(atom, hours)));
    }
    return atoms;
  }

  private atom(start: number, end: number, documentos: number, unit: Unit): Atom {
    const clipped = clip(start, end, this.range);
    return { start: clipped.start.getTime(), end: clipped.end.getTime(), documentos, unit };
  }

  /** The next unit's atoms of `atom` (hours of a day, minutes of an hour), refined again if needed. */
  private async refine(atom: Atom, known?: readonly DensityBucket[]): Promise<Atom[]> {
    if (atom.unit === 'minute')
      throw tooDense(new Date(atom.start), atom.documentos, this.cap, this.tipoSolicitud);
    const unit: Unit = atom.unit === 'day' ? 'hour' : 'minute';
    const span = timeRange(new Date(atom.start), new Date(atom.end));
    const buckets =
      known ?? (unit === 'hour' ? await this.source.perHour(span) : await this.source.perMinute(span));
    const refined: Atom[] = [];
    for (const bucket of buckets) {
      const start = bucket.start.getTime();
      const child = this.atom(start, start + (unit === 'hour' ? HOUR_MS : 60_000), bucket.documentos, unit);
      refined.push(...(child.documentos <= this.cap ? [child] : await this.refine(child)));
    }
    return refined;
  }

  /**
   * A period that starts one second before midnight (or ends one second after) would give a part of
   * one second, which SAT refuses: that second never stands alone. It joins its neighbouring atom,
   * which is refined (day, hour, minute) until the two fit together.
   */
  async absorbShortEdges(atoms: Atom[]): Promise<void> {
    const rangeStart = this.range.start.getTime();
    const rangeEnd = this.range.end.getTime();
    while (atoms.length > 1 && (atoms[1] as Atom).start - rangeStart < SHORTEST_PART_MS) {
      const [edge, neighbour] = atoms as [Atom, Atom];
      if (edge.documentos + neighbour.documentos <= this.cap) {
        atoms.splice(0, 2, {
          ...neighbour,
          start: edge.start,
          documentos: edge.documentos + neighbour.documentos,
        });
      } else {
        atoms.splice(1, 1, ...(await this.refineForEdge(neighbour, edge)));
      }
    }
    while (atoms.length > 1 && rangeEnd - (atoms.at(-1) as Atom).start < SHORTEST_PART_MS) {
      const edge = atoms.at(-1) as Atom;
      const neighbour = atoms.at(-2) as Atom;
      if (edge.documentos + neighbour.documentos <= this.cap) {
        atoms.splice(-2, 2, {
          ...neighbour,
          end: edge.end,
          documentos: edge.documentos + neighbour.documentos,
        });
      } else {
        atoms.splice(-2, 1, ...(await this.refineForEdge(neighbour, edge)));
      }
    }
  }

  private async refineForEdge(neighbour: Atom, edge: Atom): Promise<Atom[]> {
    if (neighbour.unit === 'minute') {
      throw tooDense(
        new Date(neighbour.start),
        neighbour.documentos + edge.documentos,
        this.cap,
        this.tipoSolicitud,
      );
    }
    // Refined as if it were too big, so the atom next to the edge gets smaller.
    return this.refine({ ...neighbour, documentos: this.cap + 1 });
  }
}

/**
 * Greedy: a part takes atoms while they fit and ends before the first one that does not. The cut
 * goes on the coarsest boundary of the empty stretch between the two (that atom's midnight, else its
 * hour, else its own start), never leaving a part under two seconds.
 */
function pack(range: TimeRange, atoms: readonly Atom[], cap: number): PlannedPart[] {
  const parts: PlannedPart[] = [];
  let start = range.start.getTime();
  let documentos = 0;
  let previousEnd = start;
  for (const atom of atoms) {
    if (documentos > 0 && documentos + atom.documentos > cap) {
      const earliest = Math.max(previousEnd, start + SHORTEST_PART_MS);
      const hour = Math.floor(atom.start / HOUR_MS) * HOUR_MS;
      const cut =
        [mexicoDayStart(new Date(atom.start)), hour].find(
          (candidate) => candidate >= earliest && candidate <= atom.start,
        ) ?? atom.start;
      parts.push({ periodo: timeRange(new Date(start), new Date(cut)), documentos });
      start = cut;
      documentos = 0;
    }
    documentos += atom.documentos;
    previousEnd = atom.end;
  }
  parts.push({ periodo: timeRange(new Date(start), range.end), documentos });
  return parts;
}

function tooDense(minute: Date, documentos: number, cap: number, tipoSolicitud: string): ValidationError {
  return new ValidationError(solicitudesErrors.periodTooDense, {
    params: {
      minuto: toMexicoWallClock(minute),
      documentos,
      tipoSolicitud,
      maximo: cap,
    },
  });
}
