import type { ExportablePackage, ExportObserver, PackageResult } from '../services/export';
import { formatBytes } from './byte-size';

const BAR_WIDTH = 24;
/** A terminal bar redraws at most this often; more only costs CPU. */
const REDRAW_MS = 100;
/** Without a terminal (a log file, CI), one line per package and one this often during a long one. */
const PLAIN_LINE_MS = 10_000;

const VERBS: Record<PackageResult['outcome'], string> = {
  copied: 'copied',
  skipped: 'already present',
  replaced: 'replaced a different file at',
  failed: 'FAILED',
};

/**
 * Shows an export's progress on standard error: a bar redrawn in place on a terminal, plain lines
 * otherwise, so logs stay readable. Problems (failures, replaced files, unreadable documents) always
 * get a line of their own.
 */
export class ExportProgress implements ExportObserver {
  private packages = 0;
  private totalBytes = 0;
  private finishedBytes = 0;
  private currentBytes = 0;
  private position = 0;
  private current = '';
  private lastDraw = 0;
  private barShown = false;

  constructor(
    private readonly output: NodeJS.WriteStream,
    private readonly clock: () => number = () => Date.now(),
  ) {}

  private get interactive(): boolean {
    return this.output.isTTY === true;
  }

  planned(plan: { packages: number; bytes: number }): void {
    this.packages = plan.packages;
    this.totalBytes = plan.bytes;
    this.line(`Exporting ${plan.packages} package(s), ${formatBytes(plan.bytes)}.`);
  }

  started(item: ExportablePackage, position: number): void {
    this.position = position;
    this.current = item.idPaquete;
    this.currentBytes = 0;
    this.lastDraw = this.clock();
    if (this.interactive) this.drawBar();
  }

  progressed(bytes: number): void {
    this.currentBytes = bytes;
    const now = this.clock();
    if (now - this.lastDraw < (this.interactive ? REDRAW_MS : PLAIN_LINE_MS)) return;
    this.lastDraw = now;
    if (this.interactive) this.drawBar();
    else this.line(`${this.counter()} ${this.current}: ${formatBytes(bytes)} so far`);
  }

  finished(item: ExportablePackage, result: PackageResult): void {
    this.finishedBytes += item.size;
    this.currentBytes = 0;
    const discarded = result.partialDiscarded ? ' (an interrupted partial copy was discarded)' : '';
    if (result.outcome === 'failed')
      this.line(`${this.counter()} FAILED ${item.idPaquete}: ${result.reason ?? ''}`);
    else if (!this.interactive || result.outcome === 'replaced' || discarded)
      this.line(
        `${this.counter()} ${VERBS[result.outcome]} ${result.file} (${formatBytes(item.size)})${discarded}`,
      );
    if (result.documentsUnreadable > 0)
      this.line(
        `${this.counter()} ${item.idPaquete}: ${result.documentsUnreadable} document(s) not extracted (kept in the ZIP): ${result.unreadableExamples.join('; ')}`,
      );
    if (this.interactive) this.drawBar();
  }

  /** Clears the bar so the summary starts on a clean line. */
  close(): void {
    if (this.barShown) this.output.write('\r\x1b[2K');
    this.barShown = false;
  }

  private counter(): string {
    return `[${this.position}/${this.packages}]`;
  }

  /** A message above the bar, which is then drawn again below it. */
  private line(text: string): void {
    if (this.barShown) this.output.write('\r\x1b[2K');
    this.output.write(`${text}\n`);
    this.barShown = false;
  }

  private drawBar(): void {
    const done = this.finishedBytes + this.currentBytes;
    const share = this.totalBytes > 0 ? Math.min(1, done / this.totalBytes) : 1;
    const filled = Math.round(share * BAR_WIDTH);
    const bar = `${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}`;
    const percent = `${Math.floor(share * 100)}`.padStart(3);
    this.output.write(
      `\r\x1b[2K[${bar}] ${percent}% ${this.counter()} ${formatBytes(done)} of ${formatBytes(this.totalBytes)} ${this.current}`,
    );
    this.barShown = true;
  }
}
