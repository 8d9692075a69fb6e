import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ValidationError } from '../../../src/errors';
import { Fiel, queryRequest, verifyRequest } from '../../../src/sat';

const fixtures = path.join(__dirname, '../../../fixtures');
const files = (kind: 'fake-fiel' | 'fake-csd', password?: string) => ({
  certificate: readFileSync(path.join(fixtures, kind, 'EKU9003173C9.cer')),
  privateKey: readFileSync(path.join(fixtures, kind, 'EKU9003173C9.key')),
  password: password ?? readFileSync(path.join(fixtures, kind, 'EKU9003173C9-password.txt'), 'utf8'),
});
const duringValidity = new Date('2026-01-01T00:00:00Z');

function rejection(action: () => unknown): ValidationError {
  try {
    action();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('Fiel', () => {
  it('reads the fake FIEL: RFC, name, SAT certificate number, validity', () => {
    const fiel = Fiel.create(files('fake-fiel'), duringValidity);
    expect(fiel.rfc).toBe('EKU9003173C9');
    expect(fiel.legalName).toBe('ESCUELA KEMPER URGATE SA DE CV');
    expect(fiel.serialNumber).toBe('30001000000500003415');
    expect(fiel.serialDecimal).toBe('292233162870206001759766198462772978647764840757');
    expect(fiel.validTo.toISOString().slice(0, 10)).toBe('2027-05-17');
  });

  it.each([
    ['a wrong password', () => Fiel.create(files('fake-fiel', 'nope'), duringValidity), 'DM-7002'],
    // These two pass the decryption's padding check (about 1 in 256 do) and fail later, as ASN.1.
    [
      'a wrong password that decrypts to garbage',
      () => Fiel.create(files('fake-fiel', 'wrong-31'), duringValidity),
      'DM-7002',
    ],
    [
      'another wrong password that decrypts to garbage',
      () => Fiel.create(files('fake-fiel', 'wrong-47'), duringValidity),
      'DM-7002',
    ],
    [
      'a truncated key',
      () =>
        Fiel.create(
          { ...files('fake-fiel'), privateKey: files('fake-fiel').privateKey.subarray(0, 600) },
          duringValidity,
        ),
      'DM-7001',
    ],
    ['a CSD instead of a FIEL', () => Fiel.create(files('fake-csd'), duringValidity), 'DM-7004'],
    [
      'an expired certificate',
      () => Fiel.create(files('fake-fiel'), new Date('2030-01-01T00:00:00Z')),
      'DM-7005',
    ],
    [
      'a certificate not valid yet',
      () => Fiel.create(files('fake-fiel'), new Date('2020-01-01T00:00:00Z')),
      'DM-7006',
    ],
    [
      'an unreadable file',
      () => Fiel.create({ ...files('fake-fiel'), certificate: Buffer.from('nonsense') }, duringValidity),
      'DM-7001',
    ],
    [
      'a key of another certificate',
      () =>
        Fiel.create(
          {
            ...files('fake-fiel'),
            privateKey: files('fake-csd').privateKey,
            password: files('fake-csd').password,
          },
          duringValidity,
        ),
      'DM-7003',
    ],
  ])('refuses %s with %s', (_case, action, code) => {
    expect(rejection(action).code).toBe(code);
  });
});

describe('signed requests', () => {
  const fiel = Fiel.create(files('fake-fiel'), duringValidity);

  it('digests the operation exactly as SAT and the reference clients do (real fixture value)', () => {
    const request = queryRequest(fiel, {
      contexto: 'Emitidos',
      tipoSolicitud: 'Metadata',
      fechaInicial: '2019-01-01T00:00:00',
      fechaFinal: '2019-01-01T00:04:00',
      rfcContrapartes: [],
    });
    // fixtures: phpcfdi query/request-issued.xml, verified in docs/sat-protocol.md §4.2.
    expect(/<DigestValue>([^<]+)<\/DigestValue>/.exec(request.body)?.[1]).toBe(
      'BELGF9WsFcnEbvXILi03IoOZkjg=',
    );
    expect(request.soapAction).toMatch(/SolicitaDescargaEmitidos$/);
  });

  it('puts the Signature last inside the parameters element and escapes attribute values', () => {
    const request = verifyRequest(fiel, 'abc&"<');
    expect(request.body).toContain('IdSolicitud="abc&amp;&quot;&lt;"');
    expect(request.body).toMatch(/<\/Signature><\/des:solicitud><\/des:VerificaSolicitudDescarga>/);
  });
});
