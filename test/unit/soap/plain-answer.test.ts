import { detalle, resumen } from '../../../src/soap/shared/output';
import { writePlainAnswer } from '../../../src/soap/infra/plain-answer';
import { SoapDispatcher } from '../../../src/soap/infra/soap-dispatcher';
import type { LoadedWsdl } from '../../../src/soap/infra/wsdl-loader';
import { V1_NAMESPACE as V1, loadV1Wsdl, v1CallContext } from '../../helpers/v1-wsdl';
import type { SolicitudDetail } from '../../../src/services/solicitudes';

const AWKWARD = `a < b & c > d "quoted" 'single'\ttab\r\nline ñ 😀`;

const at = (iso: string): Date => new Date(iso);

function solicitud(index: number, full: boolean): SolicitudDetail['solicitud'] {
  return {
    id: `00000000-0000-4000-8000-00000000000${index}`,
    tenantId: '00000000-0000-4000-8000-0000000000aa',
    contribuyenteId: '00000000-0000-4000-8000-0000000000bb',
    registroId: null,
    rfc: 'EKU9003173C9',
    contexto: 'Emitidos',
    tipoSolicitud: 'CFDI',
    tipoDocumento: 'CFDI',
    fechaInicial: full ? at('2024-01-01T06:00:00Z') : null,
    fechaFinal: full ? at('2024-02-01T06:00:00Z') : null,
    filtros: full
      ? { rfcContrapartes: ['AAA010101AAA', 'BBB020202BBB'], tipoComprobante: 'I', complemento: 'pagos20' }
      : {},
    filtrosKey: 'k',
    referenciaCliente: full ? AWKWARD : null,
    forzar: full,
    estado: 'Completada',
    estadoSat: full ? 'Terminada' : null,
    codigo: full ? 'DM-5001' : null,
    mensaje: full ? AWKWARD : null,
    satCodEstatus: full ? '5000' : null,
    satMensaje: full ? 'Solicitud Aceptada' : null,
    numeroCfdis: full ? 0 : null,
    paquetesTotal: 2,
    paquetesAlmacenados: 2,
    createdAt: at('2024-03-01T16:00:00.123Z'),
    updatedAt: at('2024-03-01T16:05:00Z'),
    startedAt: full ? at('2024-03-01T16:00:01Z') : null,
    finishedAt: full ? at('2024-03-01T16:05:00Z') : null,
  };
}

function detail(full: boolean): SolicitudDetail {
  const base = solicitud(1, full);
  const request = (parte: number) => ({
    id: `00000000-0000-4000-8000-00000000010${parte}`,
    solicitudId: base.id,
    parentId: null,
    parte,
    periodoInicio: at('2024-01-01T06:00:00Z'),
    periodoFin: at('2024-01-16T06:00:00Z'),
    idSolicitudSat: `4e2b0d4c-0000-4000-8000-00000000000${parte}`,
    estado: 'Terminada' as const,
    codEstatus: '5000',
    mensaje: AWKWARD,
    estadoSolicitud: 3,
    codigoEstadoSolicitud: '5000',
    numeroCfdis: 17,
    attempts: 1,
    verifyAttempts: 2,
    nextCheckAt: null,
    requestedAt: null,
    lastCheckedAt: null,
    finishedAt: null,
    criteriaKey: null,
    documentosEstimados: null,
    reemisiones: 0,
    dimensionada: true,
    createdAt: at('2024-03-01T16:00:00Z'),
    updatedAt: at('2024-03-01T16:00:00Z'),
  });
  const paquete = (suffix: string) => ({
    id: `00000000-0000-4000-8000-0000000002${suffix}`,
    tenantId: base.tenantId,
    solicitudId: base.id,
    satRequestId: request(1).id,
    idPaquete: `4E2B0D4C_${suffix}`,
    estado: 'Indexado' as const,
    objectKey: 'k',
    tamano: 5_000_000_000,
    sha256: 'ab'.repeat(32),
    satDownloadCount: 1,
    linkCount: 0,
    codigo: null,
    mensaje: null,
    satExpiresAt: null,
    expiryAlertedAt: null,
    nextAttemptAt: null,
    storedAt: at('2024-03-01T16:04:00Z'),
    indexedAt: null,
    createdAt: at('2024-03-01T16:00:00Z'),
    updatedAt: at('2024-03-01T16:00:00Z'),
  });
  const cambio = (estado: string, minute: number) => ({
    id: String(minute),
    solicitudId: base.id,
    estado,
    estadoSat: full ? 'EnProceso' : null,
    codigo: full ? 'DM-0001' : null,
    mensaje: full ? AWKWARD : null,
    at: at(`2024-03-01T16:0${minute}:00Z`),
  });
  return {
    solicitud: base,
    satRequests: full ? [request(1), request(2)] : [],
    paquetes: full ? [paquete('01'), paquete('02')] : [],
    historial: [cambio('Registrada', 0), cambio('Completada', 5)],
  } as unknown as SolicitudDetail;
}

const aviso = {
  endpoint: 'cfdi.verificacion',
  servicio: 'cfdi',
  operation: 'verificacion',
  state: 'down',
  successRate: 0.125,
  es: 'SAT no responde',
  en: 'SAT is not answering',
} as never;

describe('writePlainAnswer', () => {
  let loaded: LoadedWsdl;

  beforeAll(async () => {
    loaded = await loadV1Wsdl();
  });

  /** The whole answer envelope from node-soap's serialiser and from ours, for one handler result. */
  async function bothWays(operation: string, input: string, answer: object): Promise<[string, string]> {
    const handlers = Object.fromEntries([...loaded.operations.keys()].map((name) => [name, () => answer]));
    const envelope =
      `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:dm="${V1}">` +
      `<s:Body><dm:${operation}>${input}</dm:${operation}></s:Body></s:Envelope>`;
    const call = v1CallContext(operation);
    const action = `${V1}/${operation}`;
    const nodeSoap = await new SoapDispatcher(loaded, handlers).dispatch(envelope, action, call);
    const plain = await new SoapDispatcher(loaded, handlers, undefined, new Set([operation])).dispatch(
      envelope,
      action,
      call,
    );
    return [plain, nodeSoap];
  }

  it.each([
    ['every element and awkward text, with a SAT notice', () => detalle(detail(true), aviso)],
    ['only the required elements and empty lists', () => detalle(detail(false))],
  ])('writes RecuperarSolicitud byte for byte as node-soap does: %s', async (_name, build) => {
    const [plain, nodeSoap] = await bothWays(
      'RecuperarSolicitud',
      '<dm:IdSolicitud>00000000-0000-4000-8000-000000000001</dm:IdSolicitud>',
      { Solicitud: build() },
    );
    expect(plain).toBe(nodeSoap);
    expect(plain).toContain('<Paquetes>');
    // The comparison is only worth something if ours wrote it.
    expect(writePlainAnswer('RecuperarSolicitudResponse', V1, { Solicitud: build() })).toBeDefined();
  });

  it.each([
    ['a page of mixed rows', [solicitud(1, true), solicitud(2, false), solicitud(3, true)]],
    ['an empty page', []],
  ])('writes RecuperarListaSolicitudes byte for byte as node-soap does: %s', async (_name, rows) => {
    const answer = {
      Solicitudes: { Solicitud: rows.map(resumen) },
      Total: rows.length,
      Pagina: 1,
      TotalPaginas: rows.length > 0 ? 1 : 0,
    };
    const [plain, nodeSoap] = await bothWays('RecuperarListaSolicitudes', '', answer);
    expect(plain).toBe(nodeSoap);
    expect(writePlainAnswer('RecuperarListaSolicitudesResponse', V1, answer)).toBeDefined();
  });

  it.each(['&', '<', '>', '"', "'", '\t', '\r', '\n', 'plain ñ 😀', ''])(
    'escapes text holding only %j as node-soap does',
    async (text) => {
      const rows = [{ ...solicitud(1, false), referenciaCliente: `ref${text}`, rfc: text || 'EKU9003173C9' }];
      const answer = { Solicitudes: { Solicitud: rows.map(resumen) }, Total: 1, Pagina: 1, TotalPaginas: 1 };
      const [plain, nodeSoap] = await bothWays('RecuperarListaSolicitudes', '', answer);
      expect(plain).toBe(nodeSoap);
      expect(writePlainAnswer('RecuperarListaSolicitudesResponse', V1, answer)).toBeDefined();
    },
  );

  it('leaves answers it cannot write identically to node-soap', async () => {
    const answer = { Solicitudes: { Solicitud: [{ IdSolicitud: null }] }, Total: 0 };
    expect(writePlainAnswer('RecuperarListaSolicitudesResponse', V1, answer)).toBeUndefined();
    const [plain, nodeSoap] = await bothWays('RecuperarListaSolicitudes', '', answer);
    expect(plain).toBe(nodeSoap);
  });
});
