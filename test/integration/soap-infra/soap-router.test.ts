import { ConfigError } from '../../../src/errors';
import { RateLimiter, createSoapRouter } from '../../../src/soap';
import { createLogger } from '../../../src/logging';
import {
  CALCULADORA_WSDL,
  FAULT_DETAIL,
  type RunningCalculadora,
  calculadoraHandlers,
  startCalculadora,
} from './calculadora-server';
import { S11, S12, TNS, envelope, faultCodeOf, passwordTextHeader, post, sumar, textOf } from './soap-fetch';

let service: RunningCalculadora;
beforeAll(async () => {
  service = await startCalculadora();
});
afterAll(() => service.close());

describe('a valid call over raw HTTP', () => {
  it('answers SOAP 1.1 with text/xml and the handler result', async () => {
    const answer = await post(service.url, envelope('1.1', sumar('40')));
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/xml/);
    expect(answer.document.documentElement?.namespaceURI).toBe(S11);
    expect(textOf(answer.document, TNS, 'Resultado')).toBe('42');
  });

  it('answers SOAP 1.2 in a 1.2 envelope, action taken from the Content-Type or from the body', async () => {
    for (const action of [`${TNS}/Sumar`, null]) {
      const answer = await post(service.url, envelope('1.2', sumar('1')), { version: '1.2', action });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toMatch(/^application\/soap\+xml/);
      expect(answer.document.documentElement?.namespaceURI).toBe(S12);
      expect(textOf(answer.document, TNS, 'Resultado')).toBe('3');
    }
  });

  it('echoes a sane X-Request-Id and reports the call outcome', async () => {
    const answer = await post(service.url, envelope('1.1', sumar('1')), {
      headers: { 'X-Request-Id': 'abc-123' },
    });
    expect(answer.headers.get('x-request-id')).toBe('abc-123');
    expect(service.outcomes.find((outcome) => outcome.requestId === 'abc-123')).toMatchObject({
      operation: 'Sumar',
      result: 'ok',
      httpStatus: 200,
      principal: { tenantId: 't1', username: 'demo' },
    });
  });
});

describe('envelopes that cannot be read', () => {
  it.each([
    ['1.1', 500, 'soap:Client'],
    ['1.2', 400, 'soap:Sender'],
  ] as const)('answers malformed XML in SOAP %s with %i and %s', async (version, status, code) => {
    const answer = await post(service.url, '<e:Envelope xmlns:e="x"><oops', { version });
    expect(answer.status).toBe(status);
    expect(faultCodeOf(answer)).toBe('DM-2101');
    const faultCode =
      version === '1.1' ? textOf(answer.document, null, 'faultcode') : textOf(answer.document, S12, 'Value');
    expect(faultCode).toBe(code);
  });

  it('refuses a billion-laughs DOCTYPE without expanding it', async () => {
    const laughs =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>' +
      `<e:Envelope xmlns:e="${S11}"><e:Body>&lol2;</e:Body></e:Envelope>`;
    const answer = await post(service.url, laughs);
    expect(answer.status).toBe(500);
    expect(faultCodeOf(answer)).toBe('DM-2102');
    expect(answer.text).not.toContain('lollol');
  });

  it('answers a body over the limit with 413 and DM-2003', async () => {
    const answer = await post(service.url, envelope('1.1', sumar('x'.repeat(70 * 1024))));
    expect(answer.status).toBe(413);
    expect(faultCodeOf(answer)).toBe('DM-2003');
    expect(textOf(answer.document, TNS, 'Mensaje')).toContain('65536');
  });

  it('answers an empty body and a non-SOAP content type as Faults', async () => {
    expect(faultCodeOf(await post(service.url, ''))).toBe('DM-2101');
    const json = await post(service.url, '{}', { headers: { 'Content-Type': 'application/json' } });
    expect(faultCodeOf(json)).toBe('DM-2105');
  });

  it('refuses a 1.2 envelope sent as SOAP 1.1', async () => {
    expect(faultCodeOf(await post(service.url, envelope('1.2', sumar('1'))))).toBe('DM-2101');
  });
});

describe('routing to an operation', () => {
  it('refuses a missing or unknown SOAPAction in SOAP 1.1, naming the field', async () => {
    for (const action of [null, 'urn:otra/Cosa', '']) {
      const answer = await post(service.url, envelope('1.1', sumar('1')), { action });
      expect(faultCodeOf(answer)).toBe('DM-2103');
      expect(textOf(answer.document, TNS, 'Campo')).toBe('SOAPAction');
    }
  });

  it('routes SOAPAction "*" (WCF without an action) by the body element, in SOAP 1.1 and 1.2', async () => {
    for (const version of ['1.1', '1.2'] as const) {
      const answer = await post(service.url, envelope(version, sumar('40')), { version, action: '*' });
      expect([version, answer.status, textOf(answer.document, TNS, 'Resultado')]).toEqual([
        version,
        200,
        '42',
      ]);
      const unknown = await post(service.url, envelope(version, `<t:Restar xmlns:t="${TNS}"/>`), {
        version,
        action: '*',
      });
      expect([version, faultCodeOf(unknown)]).toEqual([version, 'DM-2104']);
    }
  });

  it('refuses a SOAPAction that disagrees with the body element', async () => {
    const answer = await post(service.url, envelope('1.1', sumar('1')), { action: `${TNS}/Eco` });
    expect(faultCodeOf(answer)).toBe('DM-2103');
  });

  it('refuses an unknown body element', async () => {
    const answer = await post(service.url, envelope('1.2', `<t:Restar xmlns:t="${TNS}"/>`), {
      version: '1.2',
      action: null,
    });
    expect(answer.status).toBe(400);
    expect(faultCodeOf(answer)).toBe('DM-2104');
  });

  it('answers GET without ?wsdl and other methods without a crash', async () => {
    expect((await fetch(service.url)).status).toBe(404);
    expect((await fetch(service.url, { method: 'PUT', body: 'x' })).status).toBe(405);
  });
});

describe('handler errors', () => {
  it('answers an AppError with its code, messages and field', async () => {
    const answer = await post(service.url, envelope('1.1', sumar('appError')));
    expect(answer.status).toBe(500);
    expect(faultCodeOf(answer)).toBe('DM-2002');
    expect(textOf(answer.document, null, 'faultstring')).toBe('El campo A no es válido: no es número');
    expect(textOf(answer.document, TNS, 'Campo')).toBe('A');
    expect(textOf(answer.document, TNS, 'IdPeticion')).toBe(answer.headers.get('x-request-id'));
  });

  it.each(['typeError', 'circular'])('answers %s as DM-1000 without leaking anything', async (kind) => {
    const answer = await post(service.url, envelope('1.2', sumar(kind)), { version: '1.2' });
    expect(answer.status).toBe(500);
    expect(faultCodeOf(answer)).toBe('DM-1000');
    expect(textOf(answer.document, S12, 'Value')).toBe('soap:Receiver');
    expect(answer.text).not.toMatch(/hunter2|TypeError|RangeError|at .*\.ts/);
    expect(answer.text).toContain(answer.headers.get('x-request-id') as string);
  });
});

describe('authentication', () => {
  it.each([
    ['a wrong password', passwordTextHeader('demo', 'nope')],
    ['an unknown user', passwordTextHeader('otro', 's3cr3t-demo')],
  ])('refuses %s with DM-3001 and no challenge', async (_name, header) => {
    const answer = await post(service.url, envelope('1.1', sumar('1'), header));
    expect(answer.status).toBe(500);
    expect(answer.headers.get('www-authenticate')).toBeNull();
    expect(faultCodeOf(answer)).toBe('DM-3001');
    expect(textOf(answer.document, null, 'faultcode')).toBe('soap:Client');
  });

  it.each([
    ['1.1', S11, 'faultcode'],
    ['1.2', S12, 'Value'],
  ] as const)(
    'challenges a SOAP %s request with no credentials: 401, WWW-Authenticate and DM-3001',
    async (version, ns, code) => {
      const answer = await post(service.url, envelope(version, sumar('1'), ''), { version });
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toBe('Basic realm="descarga-masiva", charset="UTF-8"');
      expect(answer.document.documentElement?.namespaceURI).toBe(ns);
      expect(faultCodeOf(answer)).toBe('DM-3001');
      const faultCode =
        version === '1.1' ? textOf(answer.document, null, code) : textOf(answer.document, S12, code);
      expect(faultCode).toBe(version === '1.1' ? 'soap:Client' : 'soap:Sender');
      expect(
        service.outcomes.find((outcome) => outcome.requestId === answer.headers.get('x-request-id')),
      ).toMatchObject({
        result: 'fault',
        code: 'DM-3001',
        httpStatus: 401,
      });
    },
  );

  it('accepts HTTP Basic', async () => {
    const basic = `Basic ${Buffer.from('demo:s3cr3t-demo').toString('base64')}`;
    const answer = await post(service.url, envelope('1.1', sumar('1'), ''), {
      headers: { Authorization: basic },
    });
    expect(textOf(answer.document, TNS, 'Resultado')).toBe('3');
  });

  it('logs the envelope inside the call with its request id, operation and tenant', async () => {
    await post(service.url, envelope('1.1', sumar('1')), { headers: { 'X-Request-Id': 'ctx-check-1' } });
    const lines = service
      .logLines()
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.requestId === 'ctx-check-1');
    expect(lines).toContainEqual(
      expect.objectContaining({
        message: 'soap envelope',
        direction: 'received',
        operation: 'Sumar',
        tenantId: 't1',
      }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({ message: 'soap call', result: 'ok', principal: 'demo' }),
    );
  });

  it('never writes the password or the Basic header to the log', async () => {
    const basic = `Basic ${Buffer.from('demo:s3cr3t-demo').toString('base64')}`;
    await post(service.url, envelope('1.1', sumar('1')), { headers: { Authorization: basic } });
    const log = service.logLines().join('\n');
    expect(log).toContain('soap envelope');
    expect(log).not.toContain('s3cr3t-demo');
    expect(log).not.toContain(Buffer.from('demo:s3cr3t-demo').toString('base64'));
  });
});

describe('rate limit', () => {
  it('answers 429 with Retry-After and DM-3003 once the bucket is empty', async () => {
    const limited = await startCalculadora({ rateLimiter: new RateLimiter({ perMinute: 2 }) });
    try {
      for (let i = 0; i < 2; i += 1)
        expect((await post(limited.url, envelope('1.1', sumar('1')))).status).toBe(200);
      const answer = await post(limited.url, envelope('1.1', sumar('1')));
      expect(answer.status).toBe(429);
      expect(answer.headers.get('retry-after')).toBe('30');
      expect(faultCodeOf(answer)).toBe('DM-3003');
    } finally {
      await limited.close();
    }
  });
});

describe('start-up checks', () => {
  const base = {
    wsdlPath: CALCULADORA_WSDL,
    faultDetail: FAULT_DETAIL,
    maxBodyBytes: 1024,
    logger: createLogger({ level: 'error' }),
  };

  it('fails when an operation has no handler or a handler has no operation', async () => {
    await expect(createSoapRouter({ ...base, handlers: { Eco: calculadoraHandlers.Eco } })).rejects.toThrow(
      /missing: \[Sumar\]/,
    );
    await expect(
      createSoapRouter({ ...base, handlers: { ...calculadoraHandlers, Restar: () => ({}) } }),
    ).rejects.toBeInstanceOf(ConfigError);
  });

  it('fails when the WSDL cannot be read', async () => {
    await expect(
      createSoapRouter({ ...base, wsdlPath: `${__dirname}/missing.wsdl`, handlers: calculadoraHandlers }),
    ).rejects.toThrow();
    await expect(
      createSoapRouter({
        ...base,
        wsdlPath: `${__dirname}/../../../package.json`,
        handlers: calculadoraHandlers,
      }),
    ).rejects.toBeInstanceOf(ConfigError);
  });
});
