import { catalogues, type ErrorDefinition } from '../../errors';

/** MYSuite's `Code` is an int: the number of our stable code (`DM-2203` → 2203). */
export function inBandCode(code: string): number {
  return Number(code.replace(/\D/g, ''));
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/**
 * The table of docs/mysuite-compat.md: every code a RequestTransaction can answer in-band, with the
 * `Description` and `Hint` it carries. Envelope errors (DM-21xx) are absent: those are SOAP Faults.
 */
export function renderInBandCodeTable(): string {
  const definitions = Object.entries(catalogues)
    .filter(([area]) => area !== 'soap')
    .flatMap(([, catalogue]) => Object.values(catalogue) as ErrorDefinition[])
    .sort((a, b) => inBandCode(a.code) - inBandCode(b.code));
  return [
    '| Code | Description | Hint |',
    '| --- | --- | --- |',
    ...definitions.map(
      (definition) =>
        `| ${inBandCode(definition.code)} | ${cell(definition.es)} | ${cell(`${definition.code}: ${definition.en}`)} |`,
    ),
  ].join('\n');
}
