import { Readable } from 'node:stream';
import { readCfdiHeader, type CfdiHeader } from '../../../src/sat';

/*
 * The payment complement read in the same streaming pass as the CFDI's header: Pagos 1.0 (CFDI 3.3)
 * and 2.0 (CFDI 4.0), every Pago and every DoctoRelacionado, attributes kept as written.
 */

const TFD = `<tfd:TimbreFiscalDigital xmlns:tfd="http://www.sat.gob.mx/TimbreFiscalDigital" Version="1.1" UUID="9F3E1C2A-0B4D-4E5F-8A6B-7C8D9E0F1A2B" FechaTimbrado="2024-05-02T10:00:00"/>`;

function cfdi(version: '3.3' | '4.0', complemento: string, after = ''): string {
  const namespace = version === '4.0' ? 'http://www.sat.gob.mx/cfd/4' : 'http://www.sat.gob.mx/cfd/3';
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<cfdi:Comprobante xmlns:cfdi="${namespace}" Version="${version}" Fecha="2024-05-02T09:58:00" SubTotal="0" Moneda="XXX" Total="0" TipoDeComprobante="P" LugarExpedicion="06000">` +
    `<cfdi:Emisor Rfc="AAA010101AAA" Nombre="EMISOR" RegimenFiscal="601"/>` +
    `<cfdi:Receptor Rfc="BBB020202BBB" Nombre="RECEPTOR" UsoCFDI="CP01"/>` +
    `<cfdi:Conceptos><cfdi:Concepto ClaveProdServ="84111506" Cantidad="1" ClaveUnidad="ACT" Descripcion="Pago" ValorUnitario="0" Importe="0"/></cfdi:Conceptos>` +
    `<cfdi:Complemento>${complemento}${TFD}</cfdi:Complemento>${after}` +
    `</cfdi:Comprobante>`
  );
}

async function header(xml: string): Promise<CfdiHeader> {
  const result = await readCfdiHeader(Readable.from([Buffer.from(xml, 'utf8')]));
  if (typeof result === 'string') throw new Error(result);
  return result;
}

const EMPTY_DOCUMENT = {
  serie: '',
  folio: '',
  equivalenciaDR: '',
  tipoCambioDR: '',
  numParcialidad: '',
  impSaldoAnt: '',
  impPagado: '',
  impSaldoInsoluto: '',
};

describe('payment complement in the CFDI header pass', () => {
  it('reads Pagos 1.0 of a CFDI 3.3, with TipoCambioDR and TipoCambioP', async () => {
    const complemento =
      `<pago10:Pagos xmlns:pago10="http://www.sat.gob.mx/Pagos" Version="1.0">` +
      `<pago10:Pago FechaPago="2024-05-01T12:00:00" FormaDePagoP="03" MonedaP="USD" TipoCambioP="17.2500" Monto="100.00">` +
      `<pago10:DoctoRelacionado IdDocumento="AB12CD34-1111-4222-8333-444455556666" Serie="A" Folio="17" MonedaDR="MXN" TipoCambioDR="0.057971" MetodoDePagoDR="PPD" NumParcialidad="2" ImpSaldoAnt="5000.00" ImpPagado="1725.00" ImpSaldoInsoluto="3275.00"/>` +
      `</pago10:Pago></pago10:Pagos>`;
    const read = await header(cfdi('3.3', complemento));
    expect(read.tipoComprobante).toBe('P');
    expect(read.pagos).toEqual([
      {
        version: '1.0',
        fechaPago: '2024-05-01T12:00:00',
        formaDePagoP: '03',
        monedaP: 'USD',
        tipoCambioP: '17.2500',
        monto: '100.00',
        documentos: [
          {
            idDocumento: 'ab12cd34-1111-4222-8333-444455556666',
            serie: 'A',
            folio: '17',
            monedaDR: 'MXN',
            equivalenciaDR: '',
            tipoCambioDR: '0.057971',
            numParcialidad: '2',
            impSaldoAnt: '5000.00',
            impPagado: '1725.00',
            impSaldoInsoluto: '3275.00',
          },
        ],
      },
    ]);
  });

  it('reads Pagos 2.0 of a CFDI 4.0, with EquivalenciaDR, past its Totales and tax elements', async () => {
    const complemento =
      `<pago20:Pagos xmlns:pago20="http://www.sat.gob.mx/Pagos20" Version="2.0">` +
      `<pago20:Totales MontoTotalPagos="1160.00"/>` +
      `<pago20:Pago FechaPago="2024-05-01T12:00:00" FormaDePagoP="03" MonedaP="MXN" TipoCambioP="1" Monto="1160.00">` +
      `<pago20:DoctoRelacionado IdDocumento="ab12cd34-1111-4222-8333-444455556666" MonedaDR="USD" EquivalenciaDR="0.0580000000" NumParcialidad="1" ImpSaldoAnt="100.00" ImpPagado="67.28" ImpSaldoInsoluto="32.72" ObjetoImpDR="02">` +
      `<pago20:ImpuestosDR><pago20:TrasladosDR><pago20:TrasladoDR BaseDR="58.00" ImpuestoDR="002" TipoFactorDR="Tasa" TasaOCuotaDR="0.160000" ImporteDR="9.28"/></pago20:TrasladosDR></pago20:ImpuestosDR>` +
      `</pago20:DoctoRelacionado>` +
      `<pago20:ImpuestosP><pago20:TrasladosP><pago20:TrasladoP BaseP="1000.00" ImpuestoP="002" TipoFactorP="Tasa" TasaOCuotaP="0.160000" ImporteP="160.00"/></pago20:TrasladosP></pago20:ImpuestosP>` +
      `</pago20:Pago></pago20:Pagos>`;
    const read = await header(cfdi('4.0', complemento));
    expect(read.pagos).toEqual([
      {
        version: '2.0',
        fechaPago: '2024-05-01T12:00:00',
        formaDePagoP: '03',
        monedaP: 'MXN',
        tipoCambioP: '1',
        monto: '1160.00',
        documentos: [
          {
            idDocumento: 'ab12cd34-1111-4222-8333-444455556666',
            serie: '',
            folio: '',
            monedaDR: 'USD',
            equivalenciaDR: '0.0580000000',
            tipoCambioDR: '',
            numParcialidad: '1',
            impSaldoAnt: '100.00',
            impPagado: '67.28',
            impSaldoInsoluto: '32.72',
          },
        ],
      },
    ]);
  });

  it('keeps several Pago apart, each with its own DoctoRelacionados in order', async () => {
    const docto = (id: string, parcialidad: number): string =>
      `<p:DoctoRelacionado IdDocumento="${id}" MonedaDR="MXN" EquivalenciaDR="1" NumParcialidad="${parcialidad}" ImpSaldoAnt="10" ImpPagado="4" ImpSaldoInsoluto="6" ObjetoImpDR="01"/>`;
    const complemento =
      // Any prefix: elements are recognised by namespace.
      `<p:Pagos xmlns:p="http://www.sat.gob.mx/Pagos20" Version="2.0"><p:Totales MontoTotalPagos="12"/>` +
      `<p:Pago FechaPago="2024-04-01T08:00:00" FormaDePagoP="01" MonedaP="MXN" Monto="8">` +
      docto('11111111-1111-4111-8111-111111111111', 1) +
      docto('22222222-2222-4222-8222-222222222222', 3) +
      `</p:Pago>` +
      `<p:Pago FechaPago="2024-04-02T08:00:00" FormaDePagoP="03" MonedaP="MXN" Monto="4">` +
      docto('33333333-3333-4333-8333-333333333333', 2) +
      `</p:Pago></p:Pagos>`;
    const read = await header(cfdi('4.0', complemento));
    expect(read.pagos?.map((pago) => [pago.fechaPago, pago.formaDePagoP, pago.monto])).toEqual([
      ['2024-04-01T08:00:00', '01', '8'],
      ['2024-04-02T08:00:00', '03', '4'],
    ]);
    expect(
      read.pagos?.map((pago) =>
        pago.documentos.map((document) => [document.idDocumento, document.numParcialidad]),
      ),
    ).toEqual([
      [
        ['11111111-1111-4111-8111-111111111111', '1'],
        ['22222222-2222-4222-8222-222222222222', '3'],
      ],
      [['33333333-3333-4333-8333-333333333333', '2']],
    ]);
    expect(read.pagos?.[0]?.tipoCambioP).toBe('');
  });

  it('leaves optional attributes empty when absent (Pagos 1.0 allows a bare DoctoRelacionado)', async () => {
    const complemento =
      `<pago10:Pagos xmlns:pago10="http://www.sat.gob.mx/Pagos" Version="1.0">` +
      `<pago10:Pago FechaPago="2018-02-01T12:00:00" FormaDePagoP="02" MonedaP="MXN" Monto="500">` +
      `<pago10:DoctoRelacionado IdDocumento="123-45-678901234" MonedaDR="MXN" MetodoDePagoDR="PUE"/>` +
      `</pago10:Pago></pago10:Pagos>`;
    const read = await header(cfdi('3.3', complemento));
    expect(read.pagos?.[0]?.documentos).toEqual([
      { idDocumento: '123-45-678901234', monedaDR: 'MXN', ...EMPTY_DOCUMENT },
    ]);
  });

  it('lower-cases IdDocumento whatever case the issuer wrote', async () => {
    const complemento =
      `<pago20:Pagos xmlns:pago20="http://www.sat.gob.mx/Pagos20" Version="2.0"><pago20:Totales MontoTotalPagos="1"/>` +
      `<pago20:Pago FechaPago="2024-04-01T08:00:00" FormaDePagoP="01" MonedaP="MXN" Monto="2">` +
      `<pago20:DoctoRelacionado IdDocumento="AbCdEf12-3456-4789-ABCD-EF0123456789" MonedaDR="MXN" NumParcialidad="1" ImpSaldoAnt="1" ImpPagado="1" ImpSaldoInsoluto="0" ObjetoImpDR="01"/>` +
      `<pago20:DoctoRelacionado IdDocumento=" abcdef12-3456-4789-abcd-ef0123456780 " MonedaDR="MXN" NumParcialidad="1" ImpSaldoAnt="1" ImpPagado="1" ImpSaldoInsoluto="0" ObjetoImpDR="01"/>` +
      `</pago20:Pago></pago20:Pagos>`;
    const read = await header(cfdi('4.0', complemento));
    expect(read.pagos?.[0]?.documentos.map((document) => document.idDocumento)).toEqual([
      'abcdef12-3456-4789-abcd-ef0123456789',
      'abcdef12-3456-4789-abcd-ef0123456780',
    ]);
  });

  it('answers no payments for a CFDI without the complement, and ignores look-alikes in an Addenda', async () => {
    const addenda = `<cfdi:Addenda><x:Pagos xmlns:x="http://www.sat.gob.mx/Pagos20"><x:Pago FechaPago="2024-01-01T00:00:00" Monto="1"/></x:Pagos></cfdi:Addenda>`;
    const read = await header(cfdi('4.0', '', addenda));
    expect(read.uuid).toBe('9f3e1c2a-0b4d-4e5f-8a6b-7c8d9e0f1a2b');
    expect(read.pagos).toBeUndefined();
  });

  it('answers an empty list for a complement without any Pago', async () => {
    const read = await header(
      cfdi('4.0', `<pago20:Pagos xmlns:pago20="http://www.sat.gob.mx/Pagos20" Version="2.0"/>`),
    );
    expect(read.pagos).toEqual([]);
  });
});
