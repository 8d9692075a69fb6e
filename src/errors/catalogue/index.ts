import type { ErrorDefinition } from '../definition';
import { dbErrors } from './db';
import { fielErrors } from './fiel';
import { generalErrors } from './general';
import { satErrors } from './sat';
import { soapErrors } from './soap';
import { solicitudesErrors } from './solicitudes';
import { storageErrors } from './storage';

/**
 * Every catalogue of the product, by area (each area owns one file and one code range). `docs/errors.md`
 * is generated from this list (`npm run docs:errors`) and a test fails when it drifts.
 */
export const catalogues = {
  general: generalErrors,
  soap: soapErrors,
  sat: satErrors,
  storage: storageErrors,
  fiel: fielErrors,
  db: dbErrors,
  solicitudes: solicitudesErrors,
} as const;

export function allErrorDefinitions(): ErrorDefinition[] {
  return Object.values(catalogues).flatMap((catalogue) => Object.values(catalogue) as ErrorDefinition[]);
}
