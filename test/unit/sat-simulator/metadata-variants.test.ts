import { Corpus, nameOf } from '../../../src/sat-simulator/corpus';
import { FaultPlan, isInjectedFault } from '../../../src/sat-simulator';
import { windows1252 } from '../../../src/sat-simulator/package-builder';

/*
 * What the simulator's misbehaviours rest on: every metadata row carries non-ASCII text (so an
 * encoding fault always shows), the Windows-1252 encoder, and faults that wait for a call they fit.
 */

describe('corpus names', () => {
  it('gives every taxpayer a name with Ñ and an accented vowel, so each metadata row has non-ASCII text', () => {
    expect(nameOf('EKU9003173C9')).toBe('COMPAÑÍA EKU SA DE CV');
    expect(nameOf('GOPE800101AB1')).toMatch(/Ñ/);
    const corpus = new Corpus({ documentsPerDay: 4, seed: 'any seed' });
    const documents = [
      ...corpus.documents('XYZ010101AB1', 'cfdi', new Date('2026-01-01'), new Date('2026-02-01')),
    ];
    expect(documents.length).toBeGreaterThan(10);
    for (const document of documents)
      expect(`${document.nombreEmisor}${document.nombreReceptor}`).toMatch(/[^ -~]/);
  });
});

describe('windows1252', () => {
  it('writes Latin-1 letters as one byte each and the 0x80-0x9F block as Windows-1252 does', () => {
    expect(windows1252('COMPAÑÍA ÁÉÍÓÚ ü ~').toString('latin1')).toBe('COMPAÑÍA ÁÉÍÓÚ ü ~');
    // Bytes, not a decoder: node 20's TextDecoder('windows-1252') reads 0x80-0x9F as Latin-1 does.
    expect([...windows1252('€‚“”…—Ÿ')]).toEqual([0x80, 0x82, 0x93, 0x94, 0x85, 0x97, 0x9f]);
    // A character Windows-1252 lacks becomes '?', as a legacy export writes it.
    expect(windows1252('a中b').toString('latin1')).toBe('a?b');
  });
});

describe('faults limited to some operations', () => {
  it('are documented kinds, wait for the call they fit, and are never drawn at random for another', () => {
    for (const kind of [
      'acceptThenTimeout',
      'acceptThenDrop',
      'acceptThen404',
      'tokenRefused401',
      'tokenRefused403',
      'tokenRefusedFault',
      'metadataWithoutHeader',
      'metadataWindows1252',
    ])
      expect(isInjectedFault(kind)).toBe(true);
    const plan = new FaultPlan();
    plan.add('acceptThenDrop');
    plan.add('tokenRefused403');
    expect(plan.take('autenticacion', undefined)).toBeUndefined();
    expect(plan.take('verificacion', undefined)).toBe('tokenRefused403');
    expect(plan.take('descarga', undefined)).toBeUndefined();
    expect(plan.take('solicitud', undefined)).toBe('acceptThenDrop');
    expect(() => plan.add('metadataWindows1252', 'verificacion')).toThrow(RangeError);

    const random = new FaultPlan(1, 'seed', ['metadataWithoutHeader']);
    expect(random.take('solicitud', undefined)).toBeUndefined();
    expect(random.take('descarga', undefined)).toBe('metadataWithoutHeader');
  });
});
