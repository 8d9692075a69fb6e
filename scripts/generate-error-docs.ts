import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderErrorCatalogue } from '../src/errors/catalogue-document';

const target = path.join(__dirname, '..', 'docs', 'errors.md');
writeFileSync(target, renderErrorCatalogue());
console.log(`wrote ${target}`);
