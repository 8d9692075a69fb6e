import { DECISION_ERROR_CODES, type SatDecision } from './decision';
import { DECISION_TABLE, REISSUE_LIMIT_ROW } from './decision-table';

const DECISION_WORDS: Readonly<Record<SatDecision['kind'], string>> = {
  accepted: 'accepted: keep the IdSolicitud, poll it',
  poll: 'poll again later (growing intervals)',
  download: 'download every package',
  store: 'store the package (streamed, verified)',
  'no-data': 'part ends SinDatos',
  split: 'halve the period, ask each half',
  retry: 'retry the same call later (backoff)',
  reauthenticate: 'fresh Autentica, then the same call once',
  'outcome-unknown': 'record "sent, outcome unknown" (Incierta); ask again one second wider, never as it was',
  spent: 'ask again over a period one second wider (DM-9030 only if it cannot widen)',
  reissue: 'ask the part again as a new request',
  'next-sat-day': 'same call after 00:00 Mexico City of the next day (plus jitter)',
  fail: 'part ends',
};

function describeDecision(decision: SatDecision): string {
  const words = DECISION_WORDS[decision.kind];
  if (decision.kind === 'fail') {
    const code = decision.errorCode ? ` with ${decision.errorCode}` : " with SAT's code";
    return `${words} ${decision.estado}${code}`;
  }
  if (decision.kind === 'retry' && decision.errorCode) return `${words}; reason ${decision.errorCode}`;
  return words;
}

/** The table as Markdown, for docs/decisions.md. */
export function renderDecisionTable(): string {
  const cell = (text: string): string => text.replace(/\|/g, '\\|');
  const lines = [
    '| # | Step | SAT answers | Decision | Reference |',
    '| --- | --- | --- | --- | --- |',
    ...DECISION_TABLE.map(
      (row, index) =>
        `| ${index + 1} \`${row.id}\` | ${row.step} | ${cell(row.when)} | ${cell(describeDecision(row.decision))} | ${cell(row.reference)} |`,
    ),
    `| — \`${REISSUE_LIMIT_ROW.id}\` | verificar | ${cell(REISSUE_LIMIT_ROW.when)} | part ends (Rechazada, Vencida or Error as SAT said) with ${DECISION_ERROR_CODES.reissuesExhausted} | ${REISSUE_LIMIT_ROW.reference} |`,
  ];
  return lines.join('\n');
}
