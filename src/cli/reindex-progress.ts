import type { ReindexItem, ReindexObserver, ReindexPackageResult } from '../services/reindex';

const BAR_WIDTH = 24;

/**
 * Shows a reindex's progress on standard error: packages done of the total and documents indexed, as a
 * bar redrawn in place on a terminal, one line per package otherwise (a log file, CI). A package that
 * failed, or whose entries could not all be indexed, always gets a line of its own. The bar is drawn
 * when a package starts and when it ends: two writes per package, each package a ZIP to read.
 */
export class ReindexProgress implements ReindexObserver {
  private packages = 0;
  private position = 0;
  /** Packages finished, by this invocation or an earlier one of the run. */
  private done = 0;
  private documents = 0;
  private current = '';
  private barShown = false;

  constructor(private readonly output: NodeJS.WriteStream) {}

  private get interactive(): boolean {
    return this.output.isTTY === true;
  }

  planned(plan: { packages: number; done: number; resumedFrom?: Date }): void {
    this.packages = plan.packages;
    this.position = plan.done;
    this.done = plan.done;
    if (plan.resumedFrom)
      this.line(
        `Resuming the reindex started ${plan.resumedFrom.toISOString()}: ${plan.done} of ${plan.packages} package(s) already done, not done again.`,
      );
    else this.line(`Re-indexing ${plan.packages} package(s).`);
  }

  started(item: ReindexItem, position: number): void {
    this.position = position;
    this.current = item.idPaquete;
    if (this.interactive) this.drawBar();
  }

  finished(item: ReindexItem, result: ReindexPackageResult, position: number): void {
    this.position = position;
    this.done = position;
    this.documents += result.documentos;
    if (result.outcome === 'failed')
      this.line(`${this.counter()} FAILED ${item.idPaquete}: ${result.reason ?? ''}`);
    else if (!this.interactive)
      this.line(
        `${this.counter()} ${item.idPaquete} (${item.tipoSolicitud}, ${item.rfc}): ${result.documentos} document(s)`,
      );
    if (result.problemas)
      this.line(`${this.counter()} ${item.idPaquete}: not everything could be indexed: ${result.problemas}`);
    if (this.interactive) this.drawBar();
  }

  /** Clears the bar so the summary starts on a clean line. */
  close(): void {
    if (this.barShown) this.output.write('\r\x1b[2K');
    this.barShown = false;
  }

  private counter(): string {
    // Packages indexed meanwhile by the workers join the run: the total grows rather than being passed.
    return `[${this.position}/${Math.max(this.position, this.packages)}]`;
  }

  /** A message above the bar, which is then drawn again below it. */
  private line(text: string): void {
    if (this.barShown) this.output.write('\r\x1b[2K');
    this.output.write(`${text}\n`);
    this.barShown = false;
  }

  private drawBar(): void {
    const total = Math.max(this.position, this.packages);
    const share = total > 0 ? this.done / total : 1;
    const filled = Math.round(share * BAR_WIDTH);
    const bar = `${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}`;
    const percent = `${Math.floor(share * 100)}`.padStart(3);
    this.output.write(
      `\r\x1b[2K[${bar}] ${percent}% ${this.counter()} ${this.documents} document(s) ${this.current}`,
    );
    this.barShown = true;
  }
}
