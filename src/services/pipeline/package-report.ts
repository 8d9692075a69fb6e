import { SatError, satErrors } from '../../errors';
import type { EncodingFallback, MetadataEvent } from '../../sat';

/** Problems (and recoded entries) listed by name in the package's message; the count covers them all. */
const LISTED = 5;

/** Separates the package message's parts (custody note, unreadable entries, records, encoding). */
const PART_SEPARATOR = ' | ';

function listed(items: readonly string[], count: number, separator: string): string {
  const more = count > items.length ? ` (y ${count - items.length} más)` : '';
  return `${items.join(separator)}${more}`;
}

/** What could not be indexed, kept on the package so nobody has to dig through logs to learn it. */
class ProblemLog {
  private readonly listed: string[] = [];
  count = 0;

  add(where: string, reason: string): void {
    this.count += 1;
    if (this.listed.length < LISTED) this.listed.push(`${where}: ${reason}`);
  }

  summary(): string | null {
    if (this.count === 0) return null;
    return `${this.count} registro(s) no indexado(s): ${listed(this.listed, this.count, '; ')}`;
  }
}

/**
 * Everything a package's indexing has to say, reduced to its `codigo` and `mensaje`: whole entries
 * that could not be read (DM-520x, the first one's code wins), records that could not be (the existing
 * count), and entries read as Windows-1252 (DM-5205, the code only when nothing worse happened).
 */
export class PackageReport {
  readonly records = new ProblemLog();
  /** Metadata rows and XML documents read into the index. */
  documents = 0;
  private code: string | null = null;
  private readonly entries: string[] = [];
  private entryCount = 0;
  private readonly recoded = { metadata: [] as string[], XML: [] as string[] };
  private readonly recodedCount = { metadata: 0, XML: 0 };

  /** Forgets what was found: the package is being read again from its start. */
  restart(): void {
    Object.assign(this, new PackageReport());
  }

  unreadable(error: SatError): void {
    this.code ??= error.code;
    this.entryCount += 1;
    if (this.entries.length < LISTED) this.entries.push(error.messageEs);
  }

  windows1252(contenido: 'metadata' | 'XML', entry: string, fallback: Readonly<EncodingFallback>): void {
    this.recodedCount[contenido] += 1;
    if (this.recoded[contenido].length >= LISTED) return;
    // Only an entry that mixes both needs saying where; otherwise all of it reads as Windows-1252.
    const where = fallback.utf8Before
      ? ` (desde la línea ${fallback.line ?? `del byte ${fallback.byte}`}; antes UTF-8)`
      : '';
    this.recoded[contenido].push(`${entry}${where}`);
  }

  codigo(): string | null {
    if (this.code) return this.code;
    return this.recodedCount.metadata + this.recodedCount.XML > 0 ? satErrors.textNotUtf8.code : null;
  }

  /** `previous` is what the package already said (a damaged ZIP kept on SAT's last download). */
  mensaje(previous: string | null): string | null {
    const parts = [previous, this.entryCount > 0 ? listed(this.entries, this.entryCount, '; ') : null];
    parts.push(this.records.summary());
    for (const contenido of ['metadata', 'XML'] as const) {
      if (this.recodedCount[contenido] === 0) continue;
      const entries = listed(this.recoded[contenido], this.recodedCount[contenido], ', ');
      parts.push(new SatError(satErrors.textNotUtf8, { params: { contenido, entries } }).messageEs);
    }
    const text = parts.filter((part): part is string => !!part).join(PART_SEPARATOR);
    return text || null;
  }
}

/** The problem an unreadable metadata entry (or a package without any) is reported with. */
export function entryProblem(event: MetadataEvent): SatError | undefined {
  switch (event.kind) {
    case 'unreadableEntry': {
      const definition = {
        withoutHeader: satErrors.metadataWithoutHeader,
        unknownHeader: satErrors.metadataUnknownHeader,
        recordTooLong: satErrors.metadataRecordTooLong,
      }[event.problem];
      return new SatError(definition, {
        params: { entry: event.entry, line: event.line, found: event.found },
      });
    }
    case 'noMetadata': {
      const described = event.entries.map(({ entry, found }) => (found ? `${entry}: "${found}"` : entry));
      const entries = event.total === 0 ? 'el ZIP no tiene archivos' : listed(described, event.total, '; ');
      return new SatError(satErrors.metadataMissing, { params: { entries } });
    }
    default:
      return undefined;
  }
}
