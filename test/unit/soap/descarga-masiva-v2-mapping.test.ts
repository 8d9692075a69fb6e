import { ValidationError } from '../../../src/errors';
import { MAX_ESTADOS, toV1Input, toV2Resultado } from '../../../src/soap/descarga-masiva-v2';

describe('contract v2 requests as v1 input', () => {
  describe('RegistrarSolicitud', () => {
    it('turns the RfcContraparte list into v1 repeated elements, keeping the other values', () => {
      expect(
        toV1Input.RegistrarSolicitud({
          Rfc: 'EKU9003173C9',
          Contexto: 'Recibidos',
          TipoSolicitud: 'Metadata',
          RfcContraparte: { Rfc: ['AAA010101AAA', 'BBB010101BBB'] },
          TipoComprobante: 'I',
          EstadoComprobante: 'Vigente',
          Forzar: true,
        }),
      ).toEqual({
        Rfc: 'EKU9003173C9',
        Contexto: 'Recibidos',
        TipoSolicitud: 'Metadata',
        RfcContraparte: ['AAA010101AAA', 'BBB010101BBB'],
        TipoComprobante: 'I',
        EstadoComprobante: 'Vigente',
        Forzar: true,
      });
    });

    it('drops the "no filter" values and an empty list, as if they had not been sent', () => {
      expect(
        toV1Input.RegistrarSolicitud({
          Rfc: 'EKU9003173C9',
          Contexto: 'Ambos',
          TipoSolicitud: 'Ambos',
          RfcContraparte: null,
          TipoComprobante: 'Todos',
          EstadoComprobante: 'Todos',
          Forzar: false,
          Simular: false,
        }),
      ).toEqual({
        Rfc: 'EKU9003173C9',
        Contexto: 'Ambos',
        TipoSolicitud: 'Ambos',
        Forzar: false,
        Simular: false,
      });
      expect(toV1Input.RegistrarSolicitud({ Rfc: 'X', RfcContraparte: { Rfc: [] } })).not.toHaveProperty(
        'RfcContraparte',
      );
    });

    it('takes an absent Contexto as Emitidos and an absent TipoSolicitud as CFDI (their first values)', () => {
      expect(toV1Input.RegistrarSolicitud({ Rfc: 'EKU9003173C9' })).toEqual({
        Rfc: 'EKU9003173C9',
        Contexto: 'Emitidos',
        TipoSolicitud: 'CFDI',
      });
    });

    it('leaves the count of RfcContraparte to the rule v1 applies (SAT: 5 for Emitidos, 1 otherwise)', () => {
      const six = ['A', 'B', 'C', 'D', 'E', 'F'].map((letter) => `${letter.repeat(3)}010101AAA`);
      expect(toV1Input.RegistrarSolicitud({ Rfc: 'X', RfcContraparte: { Rfc: six } }).RfcContraparte).toEqual(
        six,
      );
    });
  });

  describe('RecuperarListaSolicitudes', () => {
    it('turns Estados into v1 Estado and drops Todos filters and 0 paging', () => {
      expect(
        toV1Input.RecuperarListaSolicitudes({
          Filtro: {
            Rfc: 'EKU9003173C9',
            Estados: { Estado: ['Completada', 'Error'] },
            Contexto: 'Todos',
            TipoSolicitud: 'Todos',
            TipoDocumento: 'Todos',
          },
          Orden: { Campo: 'FechaRegistro', Direccion: 'ASC' },
          Pagina: 0,
          TamanoPagina: 0,
        }),
      ).toEqual({
        Filtro: { Rfc: 'EKU9003173C9', Estado: ['Completada', 'Error'] },
        Orden: { Campo: 'FechaRegistro', Direccion: 'ASC' },
      });
    });

    it('keeps real filter values and page numbers', () => {
      expect(
        toV1Input.RecuperarListaSolicitudes({
          Filtro: {
            Contexto: 'Recibidos',
            TipoSolicitud: 'CFDI',
            TipoDocumento: 'Retenciones',
            Estados: null,
          },
          Pagina: 2,
          TamanoPagina: 10,
        }),
      ).toEqual({
        Filtro: { Contexto: 'Recibidos', TipoSolicitud: 'CFDI', TipoDocumento: 'Retenciones' },
        Pagina: 2,
        TamanoPagina: 10,
      });
    });

    it('passes negative page numbers on, for v1 to refuse', () => {
      expect(toV1Input.RecuperarListaSolicitudes({ Pagina: -1 })).toEqual({ Pagina: -1 });
    });

    it(`refuses more than ${MAX_ESTADOS} Estado, naming Estados`, () => {
      const nine = Array.from({ length: MAX_ESTADOS + 1 }, () => 'Completada');
      let thrown: unknown;
      try {
        toV1Input.RecuperarListaSolicitudes({ Filtro: { Estados: { Estado: nine } } });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ValidationError);
      expect(thrown).toMatchObject({ code: 'DM-2002', field: 'Estados' });
      expect((thrown as ValidationError).messageEn).toContain('at most 8 Estado, 9 were given');
      const eight = nine.slice(1);
      expect(toV1Input.RecuperarListaSolicitudes({ Filtro: { Estados: { Estado: eight } } })).toEqual({
        Filtro: { Estado: eight },
      });
    });
  });

  it('ConsultarCfdi drops Efecto=Todos and 0 paging', () => {
    expect(
      toV1Input.ConsultarCfdi({
        Filtro: { Efecto: 'Todos', RfcEmisor: 'EKU9003173C9' },
        Pagina: 0,
        TamanoPagina: 0,
      }),
    ).toEqual({ Filtro: { RfcEmisor: 'EKU9003173C9' } });
    expect(toV1Input.ConsultarCfdi({ Filtro: { Efecto: 'E' }, TamanoPagina: 5 })).toEqual({
      Filtro: { Efecto: 'E' },
      TamanoPagina: 5,
    });
  });

  it('ConsultarCfdi drops TipoComprobante=Todos and keeps the other added filters', () => {
    const added = {
      Complemento: 'Pagos',
      Moneda: 'USD',
      Serie: 'A',
      Folio: '1',
      RfcACuentaTerceros: 'XAXX010101000',
    };
    expect(toV1Input.ConsultarCfdi({ Filtro: { TipoComprobante: 'Todos', ...added } })).toEqual({
      Filtro: added,
    });
    expect(toV1Input.ConsultarCfdi({ Filtro: { TipoComprobante: 'P' }, Orden: { Campo: 'Total' } })).toEqual({
      Filtro: { TipoComprobante: 'P' },
      Orden: { Campo: 'Total' },
    });
  });

  it('ConsultarPagos drops 0 paging and keeps its filters and real page numbers', () => {
    const Filtro = { UuidDocumento: 'u', FechaPagoDesde: '2026-01-01T00:00:00' };
    expect(toV1Input.ConsultarPagos({ Filtro, Pagina: 0, TamanoPagina: 0 })).toEqual({ Filtro });
    expect(toV1Input.ConsultarPagos({ Pagina: 2, TamanoPagina: 10 })).toEqual({
      Pagina: 2,
      TamanoPagina: 10,
    });
  });

  it('RecuperarLinkDescarga drops VigenciaSegundos=0 and keeps any other value', () => {
    expect(
      toV1Input.RecuperarLinkDescarga({ IdSolicitud: 'a', IdPaquete: 'b', VigenciaSegundos: 0 }),
    ).toEqual({
      IdSolicitud: 'a',
      IdPaquete: 'b',
    });
    expect(
      toV1Input.RecuperarLinkDescarga({ IdSolicitud: 'a', IdPaquete: 'b', VigenciaSegundos: 30 }),
    ).toEqual({
      IdSolicitud: 'a',
      IdPaquete: 'b',
      VigenciaSegundos: 30,
    });
  });

  it('ConsultarConciliacion keeps Contexto (Ambos is v1 default too) and drops 0 paging', () => {
    expect(
      toV1Input.ConsultarConciliacion({
        Rfc: 'EKU9003173C9',
        Contexto: 'Ambos',
        Pagina: 0,
        TamanoPagina: 0,
        IncluirXmlSinMetadata: false,
      }),
    ).toEqual({ Rfc: 'EKU9003173C9', Contexto: 'Ambos', IncluirXmlSinMetadata: false });
  });

  it('RecuperarSolicitud and RecuperarCfdi pass through', () => {
    expect(toV1Input.RecuperarSolicitud({ IdSolicitud: 'x' })).toEqual({ IdSolicitud: 'x' });
    expect(toV1Input.RecuperarCfdi({ Uuid: 'u', Formato: 'Base64' })).toEqual({
      Uuid: 'u',
      Formato: 'Base64',
    });
  });
});

describe('v1 answers as contract v2 results', () => {
  it("lists RecuperarSolicitud's Filtros/RfcContraparte in place, and leaves it out when empty", () => {
    const answer = {
      Solicitud: {
        IdSolicitud: 'x',
        Filtros: { RfcContraparte: ['AAA010101AAA'], TipoComprobante: 'I' },
        Forzar: false,
      },
    };
    const result = toV2Resultado.RecuperarSolicitud(answer);
    expect(result).toEqual({
      Solicitud: {
        IdSolicitud: 'x',
        Filtros: { RfcContraparte: { Rfc: ['AAA010101AAA'] }, TipoComprobante: 'I' },
        Forzar: false,
      },
    });
    expect(Object.keys((result.Solicitud as { Filtros: object }).Filtros)).toEqual([
      'RfcContraparte',
      'TipoComprobante',
    ]);
    expect(
      toV2Resultado.RecuperarSolicitud({ Solicitud: { Filtros: { RfcContraparte: [], Uuid: 'u' } } }),
    ).toEqual({ Solicitud: { Filtros: { Uuid: 'u' } } });
    expect(
      toV2Resultado.RecuperarSolicitud({
        Solicitud: { IdSolicitud: 'x', Filtros: { RfcContraparte: [] }, Forzar: true },
      }),
    ).toEqual({ Solicitud: { IdSolicitud: 'x', Forzar: true } });
    expect(toV2Resultado.RecuperarSolicitud({ Solicitud: { IdSolicitud: 'x' } })).toEqual({
      Solicitud: { IdSolicitud: 'x' },
    });
  });

  it('keeps the answers whose lists are already inside list elements', () => {
    const listed = {
      Solicitudes: { Solicitud: [{ IdSolicitud: 'x' }] },
      Total: 1,
      Pagina: 1,
      TotalPaginas: 1,
    };
    expect(toV2Resultado.RecuperarListaSolicitudes(listed)).toBe(listed);
    const registered = { Resultados: { Resultado: [{ Estado: 'Registrada' }] } };
    expect(toV2Resultado.RegistrarSolicitud(registered)).toBe(registered);
    const pagos = {
      Pagos: { Pago: [{ UuidPago: 'p', DoctosRelacionados: { DoctoRelacionado: [{ IdDocumento: 'i' }] } }] },
      Saldos: { Saldo: [{ UuidDocumento: 'i', Parcialidades: 1 }] },
      Total: 1,
      Pagina: 1,
      TotalPaginas: 1,
    };
    expect(toV2Resultado.ConsultarPagos(pagos)).toBe(pagos);
  });
});
