import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  AppError,
  ValidationError,
  allErrorDefinitions,
  catalogues,
  generalErrors,
  renderErrorCatalogue,
  toAppError,
} from '../../../src/errors';

const AREA_RANGES: Record<keyof typeof catalogues, RegExp> = {
  general: /^DM-[1-4]\d{3}$/,
  soap: /^DM-21\d{2}$/,
  sat: /^DM-5\d{3}$/,
  storage: /^DM-6\d{3}$/,
  fiel: /^DM-7\d{3}$/,
  db: /^DM-8\d{3}$/,
  solicitudes: /^DM-9\d{3}$/,
};

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? '').sort();
}

describe('error catalogue', () => {
  it('docs/errors.md is exactly what the catalogue renders (run `npm run docs:errors`)', () => {
    const committed = readFileSync(path.join(__dirname, '../../../docs/errors.md'), 'utf8');
    expect(committed).toBe(renderErrorCatalogue());
  });

  it('never reuses a code', () => {
    const codes = allErrorDefinitions().map((definition) => definition.code);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it.each(Object.entries(catalogues))('keeps %s codes inside the area range', (area, catalogue) => {
    for (const definition of Object.values(catalogue)) {
      expect(definition.code).toMatch(AREA_RANGES[area as keyof typeof catalogues]);
    }
  });

  it('gives the Spanish and English messages the same placeholders', () => {
    for (const definition of allErrorDefinitions()) {
      expect({ code: definition.code, placeholders: placeholders(definition.es) }).toEqual({
        code: definition.code,
        placeholders: placeholders(definition.en),
      });
    }
  });
});

describe('AppError', () => {
  it('fills both languages from params and keeps the cause', () => {
    const cause = new Error('root');
    const error = new ValidationError(generalErrors.fieldInvalid, {
      params: { field: 'Rfc', reason: 'x' },
      cause,
    });
    expect(error.messageEs).toBe('El campo Rfc no es válido: x');
    expect(error.messageEn).toBe('Field Rfc is invalid: x');
    expect(error.message).toBe(error.messageEn);
    expect(error.code).toBe('DM-2002');
    expect(error.field).toBe('Rfc');
    expect(error.name).toBe('ValidationError');
    expect(error.cause).toBe(cause);
    expect(error).toBeInstanceOf(AppError);
  });

  it('wraps foreign errors as internal ones and passes AppErrors through', () => {
    const foreign = toAppError(new TypeError('boom'), generalErrors.internal);
    expect(foreign.code).toBe('DM-1000');
    expect(foreign.transient).toBe(true);
    const own = new ValidationError(generalErrors.fieldRequired, { params: { field: 'Rfc' } });
    expect(toAppError(own, generalErrors.internal)).toBe(own);
  });
});
