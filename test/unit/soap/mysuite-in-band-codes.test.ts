import { readFileSync } from 'node:fs';
import path from 'node:path';
import { allErrorDefinitions } from '../../../src/errors';
import { inBandCode, renderInBandCodeTable } from '../../../src/soap/mysuite';
import { replaceGeneratedSection } from '../../../scripts/generated-section';

describe('MYSuite in-band codes', () => {
  it('docs/mysuite-compat.md carries the table the catalogue renders (run `npm run docs:errors`)', () => {
    const committed = readFileSync(path.join(__dirname, '../../../docs/mysuite-compat.md'), 'utf8');
    expect(replaceGeneratedSection(committed, 'codes', renderInBandCodeTable())).toBe(committed);
  });

  it('gives every code a distinct number, so Code alone identifies the error', () => {
    const numbers = allErrorDefinitions().map((definition) => inBandCode(definition.code));
    expect(numbers.every((number) => Number.isInteger(number) && number > 0)).toBe(true);
    expect(new Set(numbers).size).toBe(numbers.length);
  });

  it('lists no envelope error (those are SOAP Faults, never in-band)', () => {
    expect(renderInBandCodeTable()).not.toMatch(/\| 21\d\d \|/);
    expect(renderInBandCodeTable()).toContain('| 2203 |');
  });

  it('refuses a document without the markers instead of appending silently', () => {
    expect(() => replaceGeneratedSection('# no markers', 'codes', 'x')).toThrow(/markers/);
  });
});
