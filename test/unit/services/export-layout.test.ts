import path from 'node:path';
import { documentPath, packagePath, parseSince, type ExportablePackage } from '../../../src/services/export';

function item(overrides: Partial<ExportablePackage>): ExportablePackage {
  return {
    paqueteId: 'p',
    idPaquete: '4E8B1B1C-0000-4000-8000-000000000000_01',
    rfc: 'EKU9003173C9',
    contexto: 'Recibidos',
    tipoSolicitud: 'CFDI',
    tipoDocumento: 'CFDI',
    fechaInicial: new Date('2024-03-01T06:00:00Z'),
    registeredAt: new Date('2025-01-10T00:00:00Z'),
    storedAt: new Date('2025-01-10T00:00:00Z'),
    objectKey: 'k',
    size: 1,
    sha256: '0'.repeat(64),
    ...overrides,
  };
}

describe('export layout', () => {
  it('names the folder of a package after its RFC, year, contexto and kind', () => {
    const paths = [
      item({}),
      item({ contexto: 'Emitidos', tipoSolicitud: 'Metadata' }),
      item({ tipoDocumento: 'Retenciones' }),
      item({ tipoDocumento: 'Retenciones', tipoSolicitud: 'Metadata', contexto: 'Emitidos' }),
    ].map(packagePath);
    expect(paths).toEqual(
      [
        'EKU9003173C9/2024/Recibidos-CFDI/',
        'EKU9003173C9/2024/Emitidos-Metadata/',
        'EKU9003173C9/2024/Recibidos-Retenciones/',
        'EKU9003173C9/2024/Emitidos-Retenciones-Metadata/',
      ].map((folder) => path.join(`${folder}4E8B1B1C-0000-4000-8000-000000000000_01.zip`)),
    );
  });

  it('takes the year in Mexico City time, and FechaRegistro for a request by Uuid', () => {
    // 2024-12-31 20:00 in Mexico City is already 2025 in UTC.
    expect(packagePath(item({ fechaInicial: new Date('2025-01-01T02:00:00Z') }))).toMatch(
      /^EKU9003173C9\/2024\//,
    );
    expect(packagePath(item({ fechaInicial: null }))).toMatch(/^EKU9003173C9\/2025\//);
  });

  it('keeps names from escaping the destination', () => {
    const file = packagePath(item({ rfc: '../ÑAÑ&01', idPaquete: '../../etc/passwd' }));
    expect(file).toBe(path.join('__ÑAÑ&01', '2024', 'Recibidos-CFDI', '__.._etc_passwd.zip'));
    expect(path.normalize(file).startsWith('..')).toBe(false);
  });

  it('dates a document by its Fecha, else its stamp date, and gives up without either', () => {
    const uuid = 'a1b2c3d4-0000-4000-8000-000000000000';
    expect(documentPath('EKU9003173C9', uuid, '2024-02-29T23:59:59', '2024-03-01T00:00:10')).toBe(
      path.join('EKU9003173C9', 'xml', '2024', '02', 'A1B2C3D4-0000-4000-8000-000000000000.xml'),
    );
    expect(documentPath('EKU9003173C9', uuid, '', '2024-03-01T00:00:10')).toBe(
      path.join('EKU9003173C9', 'xml', '2024', '03', 'A1B2C3D4-0000-4000-8000-000000000000.xml'),
    );
    expect(documentPath('EKU9003173C9', uuid, 'ayer', '')).toBeUndefined();
    expect(documentPath('EKU9003173C9', uuid, '2024-13-01T00:00:00', '')).toBeUndefined();
  });
});

describe('--since', () => {
  it('reads a day or a date-time in Mexico City time', () => {
    expect(parseSince('2024-05-01').toISOString()).toBe('2024-05-01T06:00:00.000Z');
    expect(parseSince('2024-05-01T08:30:00').toISOString()).toBe('2024-05-01T14:30:00.000Z');
    // Daylight saving time still applied in 2022.
    expect(parseSince('2022-06-01').toISOString()).toBe('2022-06-01T05:00:00.000Z');
  });

  it('refuses anything else', () => {
    for (const text of ['ayer', '2024-02-30', '2024-05-01 8:00', '01/05/2024'])
      expect(() => parseSince(text)).toThrow(RangeError);
  });
});
