import { SAT_DES, SAT_VER, type DecisionRow } from './decision';
import { answered, descarga } from './observation';

/** Descarga's answers. */
export const DESCARGA_ROWS: readonly DecisionRow[] = [
  {
    id: 'descarga-package',
    step: 'descargar',
    when: 'CodEstatus 5000 with the package',
    decision: { kind: 'store' },
    reference: SAT_DES,
    matches: (observation) =>
      descarga(observation, (result) => result.status.isAccepted() && result.hasPackage()),
  },
  {
    id: 'descarga-empty',
    step: 'descargar',
    when: 'CodEstatus 5000 without a package, or 404 / 5006',
    decision: { kind: 'retry' },
    reference: `${SAT_DES}; sat-protocol.md §15`,
    matches: (observation) =>
      answered(observation, 'descargar', (code) => code.isAccepted() || code.isTryLater()),
  },
  {
    id: 'descarga-daily-limit',
    step: 'descargar',
    when: 'CodEstatus 5011',
    decision: { kind: 'next-sat-day' },
    reference: SAT_VER,
    matches: (observation) => answered(observation, 'descargar', (code) => code.isDailyLimit()),
  },
  {
    id: 'descarga-expired',
    step: 'descargar',
    when: 'CodEstatus 5007: the package is gone (packages live 72 hours)',
    decision: { kind: 'fail', estado: 'Vencido' },
    reference: SAT_DES,
    matches: (observation) => answered(observation, 'descargar', (code) => code.isPackageExpired()),
  },
  {
    id: 'descarga-refused',
    step: 'descargar',
    when: 'CodEstatus 5004 (no such package), 5008 (downloaded twice already), 301–305',
    decision: { kind: 'fail', estado: 'Error' },
    reference: `${SAT_DES}; php#78 (5008)`,
    matches: (observation) =>
      answered(
        observation,
        'descargar',
        (code) => code.isNotFound() || code.isDownloadsExhausted() || code.isCertificateRefused(),
      ),
  },
];
