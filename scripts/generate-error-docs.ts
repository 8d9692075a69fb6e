import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderErrorCatalogue } from '../src/errors/catalogue-document';
import { renderDecisionTable } from '../src/services/pipeline/sat-decisions';
import { renderInBandCodeTable } from '../src/soap/mysuite/in-band-codes';
import { replaceGeneratedSection } from './generated-section';

const docs = path.join(__dirname, '..', 'docs');
const catalogue = path.join(docs, 'errors.md');
writeFileSync(catalogue, renderErrorCatalogue());
console.log(`wrote ${catalogue}`);

const compat = path.join(docs, 'mysuite-compat.md');
writeFileSync(
  compat,
  replaceGeneratedSection(readFileSync(compat, 'utf8'), 'codes', renderInBandCodeTable()),
);
console.log(`updated the code table of ${compat}`);

const decisions = path.join(docs, 'decisions.md');
writeFileSync(
  decisions,
  replaceGeneratedSection(readFileSync(decisions, 'utf8'), 'sat-decisions', renderDecisionTable()),
);
console.log(`updated the SAT decision table of ${decisions}`);
