import { ReindexProgress } from '../../../src/cli/reindex-progress';
import type { ReindexItem, ReindexPackageResult } from '../../../src/services/reindex';

function item(idPaquete: string, tipoSolicitud: 'CFDI' | 'Metadata' = 'CFDI'): ReindexItem {
  return {
    paqueteId: idPaquete,
    idPaquete,
    tenantId: 't',
    rfc: 'EKU9003173C9',
    tipoSolicitud,
    size: 1000,
    position: { indexedAt: '2024-03-01 00:00:00+00', paqueteId: idPaquete },
  };
}

const done = (documentos: number, problemas: string | null = null): ReindexPackageResult => ({
  outcome: 'reindexed',
  documentos,
  problemas,
});
const failed = (reason: string): ReindexPackageResult => ({
  outcome: 'failed',
  documentos: 0,
  problemas: null,
  reason,
});

/** A stand-in for process.stderr that records what is written. */
function output(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  const written: string[] = [];
  const stream = {
    isTTY,
    write: (chunk: string) => written.push(chunk) > 0,
  } as unknown as NodeJS.WriteStream;
  return { stream, text: () => written.join('') };
}

describe('ReindexProgress', () => {
  it('writes one line per package without a terminal, failures and problems included', () => {
    const plain = output(false);
    const progress = new ReindexProgress(plain.stream);
    progress.planned({ packages: 3, done: 0 });
    progress.started(item('A_01'), 1);
    progress.finished(item('A_01'), done(40), 1);
    progress.started(item('B_01', 'Metadata'), 2);
    progress.finished(
      item('B_01', 'Metadata'),
      done(7, '1 registro(s) no indexado(s): x.xml: no es un CFDI'),
      2,
    );
    progress.started(item('C_01'), 3);
    progress.finished(item('C_01'), failed('DM-6004 Object k does not exist in storage.'), 3);
    progress.close();
    expect(plain.text().split('\n')).toEqual([
      'Re-indexing 3 package(s).',
      '[1/3] A_01 (CFDI, EKU9003173C9): 40 document(s)',
      '[2/3] B_01 (Metadata, EKU9003173C9): 7 document(s)',
      '[2/3] B_01: not everything could be indexed: 1 registro(s) no indexado(s): x.xml: no es un CFDI',
      '[3/3] FAILED C_01: DM-6004 Object k does not exist in storage.',
      '',
    ]);
  });

  it('says a run resumes, counting from the packages already done', () => {
    const plain = output(false);
    const progress = new ReindexProgress(plain.stream);
    progress.planned({ packages: 4, done: 2, resumedFrom: new Date('2026-12-07T05:00:00Z') });
    progress.finished(item('C_01'), done(3), 3);
    expect(plain.text()).toBe(
      'Resuming the reindex started 2026-12-07T05:00:00.000Z: 2 of 4 package(s) already done, not done again.\n' +
        '[3/4] C_01 (CFDI, EKU9003173C9): 3 document(s)\n',
    );
  });

  it('grows the total when packages indexed meanwhile join the run', () => {
    const plain = output(false);
    const progress = new ReindexProgress(plain.stream);
    progress.planned({ packages: 1, done: 0 });
    progress.finished(item('A_01'), done(1), 1);
    progress.finished(item('B_01'), done(1), 2);
    expect(plain.text()).toContain('[2/2] B_01');
  });

  it('redraws a bar of packages and documents on a terminal, keeping failures on their own line', () => {
    const terminal = output(true);
    const progress = new ReindexProgress(terminal.stream);
    progress.planned({ packages: 4, done: 0 });
    progress.started(item('A_01'), 1);
    expect(terminal.text()).toContain('[------------------------]   0% [1/4] 0 document(s) A_01');
    progress.finished(item('A_01'), done(40), 1);
    expect(
      terminal.text().endsWith('\r\x1b[2K[######------------------]  25% [1/4] 40 document(s) A_01'),
    ).toBe(true);
    expect(terminal.text()).not.toContain('(CFDI, EKU9003173C9)');
    progress.started(item('B_01'), 2);
    progress.finished(item('B_01'), failed('DM-5006 Could not open package B_01: bad.'), 2);
    expect(terminal.text()).toContain(
      '\r\x1b[2K[2/4] FAILED B_01: DM-5006 Could not open package B_01: bad.\n',
    );
    expect(terminal.text().endsWith('[############------------]  50% [2/4] 40 document(s) B_01')).toBe(true);
    progress.close();
    expect(terminal.text().endsWith('\r\x1b[2K')).toBe(true);
  });
});
