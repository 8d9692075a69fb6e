import { ExportProgress } from '../../../src/cli/export-progress';
import type { ExportablePackage, PackageResult } from '../../../src/services/export';

function item(idPaquete: string, size: number): ExportablePackage {
  return {
    paqueteId: idPaquete,
    idPaquete,
    rfc: 'EKU9003173C9',
    contexto: 'Recibidos',
    tipoSolicitud: 'CFDI',
    tipoDocumento: 'CFDI',
    fechaInicial: new Date('2024-03-01T06:00:00Z'),
    registeredAt: new Date('2024-03-20T00:00:00Z'),
    storedAt: new Date('2024-03-21T00:00:00Z'),
    objectKey: `k/${idPaquete}.zip`,
    size,
    sha256: '0'.repeat(64),
  };
}

function result(outcome: PackageResult['outcome'], extra: Partial<PackageResult> = {}): PackageResult {
  return {
    outcome,
    file: 'EKU9003173C9/2024/Recibidos-CFDI/P.zip',
    bytesCopied: 0,
    partialDiscarded: false,
    documentsExtracted: 0,
    documentsUnreadable: 0,
    unreadableExamples: [],
    ...extra,
  };
}

/** A stand-in for process.stderr that records what is written. */
function output(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  const written: string[] = [];
  const stream = {
    isTTY,
    write: (chunk: string) => written.push(chunk) > 0,
  } as unknown as NodeJS.WriteStream;
  return { stream, text: () => written.join('') };
}

describe('ExportProgress', () => {
  it('draws a bar in place on a terminal, throttled, and keeps problems on lines of their own', () => {
    let now = 0;
    const terminal = output(true);
    const progress = new ExportProgress(terminal.stream, () => now);
    const [a, b] = [item('A_01', 3000), item('B_01', 1000)];
    progress.planned({ packages: 2, bytes: 4000 });
    progress.started(a, 1);
    now += 10;
    progress.progressed(1500); // too soon after the last redraw: not drawn
    expect(terminal.text()).not.toContain('1.5 KB');
    now += 200;
    progress.progressed(2000);
    expect(terminal.text()).toContain('\r\x1b[2K[############------------]  50% [1/2] 2.0 KB of 3.9 KB A_01');
    progress.finished(a, result('copied'));
    progress.started(b, 2);
    progress.finished(b, result('failed', { reason: 'DM-6006 mismatch' }));
    progress.close();
    const text = terminal.text();
    expect(text).toContain('\r\x1b[2K[2/2] FAILED B_01: DM-6006 mismatch\n');
    expect(text).toContain('[########################] 100% [2/2]');
    // A copied package needs no line of its own on a terminal: the bar says it.
    expect(text).not.toContain('copied');
    expect(text.endsWith('\r\x1b[2K')).toBe(true);
  });

  it('writes plain lines without a terminal: one per package, one every ten seconds during a long one', () => {
    let now = 0;
    const log = output(false);
    const progress = new ExportProgress(log.stream, () => now);
    const big = item('BIG_01', 50 * 1024 * 1024);
    progress.planned({ packages: 1, bytes: big.size });
    progress.started(big, 1);
    now += 9_000;
    progress.progressed(10 * 1024 * 1024);
    now += 2_000;
    progress.progressed(20 * 1024 * 1024);
    now += 5_000;
    progress.progressed(30 * 1024 * 1024);
    progress.finished(
      big,
      result('replaced', {
        partialDiscarded: true,
        documentsUnreadable: 1,
        unreadableExamples: ['x.xml: not well-formed XML'],
      }),
    );
    expect(log.text().split('\n')).toEqual([
      'Exporting 1 package(s), 50.0 MB.',
      '[1/1] BIG_01: 20.0 MB so far',
      '[1/1] replaced a different file at EKU9003173C9/2024/Recibidos-CFDI/P.zip (50.0 MB) (an interrupted partial copy was discarded)',
      '[1/1] BIG_01: 1 document(s) not extracted (kept in the ZIP): x.xml: not well-formed XML',
      '',
    ]);
    expect(log.text()).not.toContain('\r');
  });
});
