import { DownloadResult, QueryResult, SatCode, VerifyResult } from '../../../src/sat';

describe('SAT answers read by meaning', () => {
  it.each([
    ['5000', 'isAccepted'],
    ['', 'isMissing'],
    ['300', 'isTokenRefused'],
    ['404', 'isTryLater'],
    ['5006', 'isTryLater'],
    ['303', 'isCertificateRefused'],
    ['5001', 'isThirdPartyNotAuthorised'],
    ['5002', 'isLifetimeSpent'],
    ['5003', 'isTooLarge'],
    ['5004', 'isNotFound'],
    ['5005', 'isDuplicate'],
    ['5007', 'isPackageExpired'],
    ['5008', 'isDownloadsExhausted'],
    ['5011', 'isDailyLimit'],
    ['5012', 'isCancelledXml'],
  ] as const)('CodEstatus "%s" is %s, and nothing else', (code, predicate) => {
    const meaning = new SatCode(code);
    const predicates = [
      'isAccepted',
      'isMissing',
      'isTokenRefused',
      'isTryLater',
      'isCertificateRefused',
      'isThirdPartyNotAuthorised',
      'isLifetimeSpent',
      'isTooLarge',
      'isNotFound',
      'isDuplicate',
      'isPackageExpired',
      'isDownloadsExhausted',
      'isDailyLimit',
      'isCancelledXml',
    ] as const;
    expect(predicates.filter((name) => meaning[name]())).toEqual([predicate]);
  });

  it('reads EstadoSolicitud by name, an undocumented one as none of them', () => {
    const states = [0, 1, 2, 3, 4, 5, 6, 9].map((estadoSolicitud) => {
      const result = new VerifyResult({
        codEstatus: '5000',
        estadoSolicitud,
        codigoEstadoSolicitud: undefined,
      });
      return [
        result.isRunning() && 'running',
        result.isFinished() && 'finished',
        result.isFailed() && 'failed',
        result.isRejected() && 'rejected',
        result.isExpired() && 'expired',
      ].filter(Boolean);
    });
    expect(states).toEqual([
      [],
      ['running'],
      ['running'],
      ['finished'],
      ['failed'],
      ['rejected'],
      ['expired'],
      [],
    ]);
  });

  it("reads Verifica's CodigoEstadoSolicitud apart from its CodEstatus", () => {
    const result = new VerifyResult({
      codEstatus: '5000',
      estadoSolicitud: 5,
      codigoEstadoSolicitud: '5002',
    });
    expect(result.status.isAccepted()).toBe(true);
    expect(result.codigoEstado.isLifetimeSpent()).toBe(true);
    expect(result.estado).toBe('Rechazada');
  });

  it('says whether a query named its request and a download carried its package', () => {
    expect(new QueryResult({ codEstatus: '', idSolicitud: 'abc' }).hasIdSolicitud()).toBe(true);
    expect(new QueryResult({ codEstatus: '5000', idSolicitud: undefined }).hasIdSolicitud()).toBe(false);
    expect(new DownloadResult({ codEstatus: '5000', paquete: true }).hasPackage()).toBe(true);
    expect(new DownloadResult({ codEstatus: '5008', paquete: undefined }).hasPackage()).toBe(false);
  });
});
