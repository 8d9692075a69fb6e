import type { ReconciliationRow } from '../../../src/db';
import { AppError, ValidationError } from '../../../src/errors';
import { parseReconciliation } from '../../../src/services/reconciliation/reconciliation-criteria';
import { csvField, csvHeader, csvRecord } from '../../../src/services/reconciliation/reconciliation-csv';

function errorOf(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('no error thrown');
}

const PERIOD = { fechaInicial: '2026-01-01T00:00:00', fechaFinal: '2026-01-31T23:59:59' };

describe('reconciliation criteria', () => {
  it('defaults to both sides, the differences, page 1 of 50, and ends one second after FechaFinal', () => {
    const parsed = parseReconciliation({ rfc: ' eku9003173c9 ', ...PERIOD });
    expect(parsed).toEqual({
      rfc: 'EKU9003173C9',
      contexto: 'Ambos',
      start: new Date('2026-01-01T06:00:00Z'),
      end: new Date('2026-02-01T06:00:00Z'),
      clases: ['SinXml', 'XmlDeCancelado', 'RecibidoCanceladoSinXml', 'XmlSinMetadata'],
      pagina: 1,
      tamanoPagina: 50,
    });
  });

  it('reads Contexto and classes in any case, answering with the contract spelling, once each', () => {
    const parsed = parseReconciliation({
      rfc: 'EKU9003173C9',
      ...PERIOD,
      contexto: 'recibidos',
      clases: ['conxml', 'ConXml', 'sinxml'],
    });
    expect([parsed.contexto, parsed.clases]).toEqual(['Recibidos', ['ConXml', 'SinXml']]);
  });

  it.each([
    [{ ...PERIOD }, 'DM-2001', 'Rfc'],
    [{ rfc: 'EKU9003173C', ...PERIOD }, 'DM-9001', 'Rfc'],
    [{ rfc: 'EKU9003173C9', fechaFinal: PERIOD.fechaFinal }, 'DM-2001', 'FechaInicial'],
    [{ rfc: 'EKU9003173C9', ...PERIOD, fechaInicial: '2026-01-01' }, 'DM-9002', 'FechaInicial'],
    [{ rfc: 'EKU9003173C9', ...PERIOD, fechaFinal: '2026-02-30T00:00:00' }, 'DM-9002', 'FechaFinal'],
    [{ rfc: 'EKU9003173C9', ...PERIOD, fechaFinal: PERIOD.fechaInicial }, 'DM-9003', 'FechaFinal'],
    [{ rfc: 'EKU9003173C9', ...PERIOD, contexto: 'Todos' }, 'DM-2002', 'Contexto'],
    [{ rfc: 'EKU9003173C9', ...PERIOD, clases: ['Faltantes'] }, 'DM-2002', 'Clase'],
  ])('refuses %j with %s naming %s', (criteria, code, field) => {
    const error = errorOf(() => parseReconciliation(criteria));
    expect(error).toBeInstanceOf(ValidationError);
    expect([error.code, (error as ValidationError).field]).toEqual([code, field]);
  });
});

describe('reconciliation CSV', () => {
  const row: ReconciliationRow = {
    clase: 'SinXml',
    uuid: '4e8b1c2a-0000-4000-a000-000000000001',
    contexto: 'Recibidos',
    tipoDocumento: 'CFDI',
    rfcEmisor: 'CCC030303CCC',
    nombreEmisor: 'COMERCIALIZADORA "LA COSTEÑA", DEL NORTE',
    rfcReceptor: 'EKU9003173C9',
    nombreReceptor: null,
    fechaEmision: new Date('2026-01-05T18:30:00Z'),
    efecto: 'I',
    monto: '-1250.500000',
    estatus: 'Vigente',
    fechaCancelacion: null,
    idPaquete: null,
  };

  it('starts with the BOM and the header, and ends each record with CRLF', () => {
    expect(csvHeader()).toBe(
      '\uFEFFClase,Uuid,Contexto,TipoDocumento,RfcEmisor,NombreEmisor,RfcReceptor,NombreReceptor,FechaEmision,Efecto,Monto,Estatus,FechaCancelacion,IdPaquete\r\n',
    );
    expect(csvRecord(row)).toBe(
      'SinXml,4E8B1C2A-0000-4000-A000-000000000001,Recibidos,CFDI,CCC030303CCC,"COMERCIALIZADORA ""LA COSTEÑA"", DEL NORTE",EKU9003173C9,,2026-01-05T12:30:00,I,-1250.500000,Vigente,,\r\n',
    );
  });

  it.each([
    ['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
    ['+52 55 1234', "'+52 55 1234"],
    ['-1+2', "'-1+2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tTAB', "'\tTAB"],
    ['line\nbreak', '"line\nbreak"'],
    ['plain', 'plain'],
  ])('writes the text %j as %s', (text, written) => {
    expect(csvField({ text })).toBe(written);
  });

  it('leaves numbers and dates, which are ours, as they are', () => {
    expect(csvField({ number: '-3.5' })).toBe('-3.5');
    expect(csvField(null)).toBe('');
  });
});
