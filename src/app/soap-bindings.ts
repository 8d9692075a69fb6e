import path from 'node:path';
import type { RequestHandler } from 'express';
import { projectRoot, type AppConfig } from '../config';
import { generalErrors } from '../errors';
import type { Logger } from '../logging';
import type { Metrics } from '../metrics';
import type { AuditTrail } from '../services/audit';
import { AuthThrottle } from '../services/auth-limits';
import {
  DESCARGA_MASIVA_FAULT_DETAIL,
  DESCARGA_MASIVA_V2_FAULT_DETAIL,
  InMemoryNonceCache,
  RateLimiter,
  createSoapRouter,
  type SoapCallOutcome,
} from '../soap';
import { createDescargaMasivaHandlers, type DescargaMasivaServices } from '../soap/descarga-masiva';
import { createDescargaMasivaV2Handlers } from '../soap/descarga-masiva-v2';
import {
  MYSUITE_FAULT_DETAIL,
  MYSUITE_OPERATION,
  createRequestTransactionHandler,
  createRequestorGate,
  type MySuiteServices,
} from '../soap/mysuite';

/** Contract v1. */
export const DESCARGA_MASIVA_PATH = '/soap/DescargaMasiva';
/** Contract v2 (wsdl/v2), served beside v1. */
export const DESCARGA_MASIVA_V2_PATH = '/soap/v2/DescargaMasiva';
/** Where MYSuite serves FactWSFront: ERPs switch to us by changing only the host of this URL. */
export const MYSUITE_PATH = '/mx.com.fact.wsfront/FactWSFront.asmx';

export interface SoapBindingParts {
  readonly config: AppConfig;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly audit: AuditTrail;
  readonly descargaMasiva: DescargaMasivaServices;
  /** The MYSuite transaction's services (it audits itself). */
  readonly mysuite: Omit<MySuiteServices, 'logger' | 'audit'>;
}

/** The three SOAP bindings, each with the path it is mounted at, in mounting order. */
export async function createSoapBindings(parts: SoapBindingParts): Promise<[string, RequestHandler][]> {
  const { config, logger, descargaMasiva } = parts;
  const { apiUsers } = parts.mysuite;
  const observeSoapCall = soapCallObserver(parts.metrics, parts.audit);
  const publicUrlOf = (at: string) =>
    config.publicBaseUrl ? { publicUrl: `${config.publicBaseUrl}${at}` } : {};
  // One for every binding: a client cannot double its guesses by alternating them.
  const authThrottle = new AuthThrottle(config.authThrottle);
  // Contract v1 and v2 are one service to a caller: one request budget per API user, and a
  // UsernameToken nonce spent on either path is spent on both.
  const descargaMasivaLimiter = new RateLimiter({ perMinute: config.soap.rateLimitPerMinute });
  const descargaMasivaNonces = new InMemoryNonceCache();
  const v1 = await createSoapRouter({
    wsdlPath: path.join(projectRoot(), 'wsdl', 'DescargaMasiva.wsdl'),
    handlers: createDescargaMasivaHandlers(descargaMasiva),
    faultDetail: DESCARGA_MASIVA_FAULT_DETAIL,
    authenticator: apiUsers,
    rateLimiter: descargaMasivaLimiter,
    authThrottle,
    maxBodyBytes: config.soap.maxBodyBytes,
    nonceCache: descargaMasivaNonces,
    // The reads ERPs poll: written without node-soap's serialiser (test/unit/soap/plain-answer.test.ts).
    plainAnswerOperations: ['RecuperarSolicitud', 'RecuperarListaSolicitudes'],
    logger,
    onCallCompleted: (outcome) => observeSoapCall('DescargaMasiva', outcome),
    ...publicUrlOf(DESCARGA_MASIVA_PATH),
  });
  const v2 = await createSoapRouter({
    wsdlPath: path.join(projectRoot(), 'wsdl', 'v2', 'DescargaMasiva.wsdl'),
    handlers: createDescargaMasivaV2Handlers(descargaMasiva),
    faultDetail: DESCARGA_MASIVA_V2_FAULT_DETAIL,
    authenticator: apiUsers,
    rateLimiter: descargaMasivaLimiter,
    authThrottle,
    maxBodyBytes: config.soap.maxBodyBytes,
    nonceCache: descargaMasivaNonces,
    logger,
    onCallCompleted: (outcome) => observeSoapCall('DescargaMasivaV2', outcome),
    ...publicUrlOf(DESCARGA_MASIVA_V2_PATH),
  });
  const mysuite = await createSoapRouter({
    wsdlPath: path.join(projectRoot(), 'wsdl', 'FactWSFront.wsdl'),
    handlers: {
      RequestTransaction: createRequestTransactionHandler({ ...parts.mysuite, logger, audit: parts.audit }),
    },
    faultDetail: MYSUITE_FAULT_DETAIL,
    rateLimiter: new RateLimiter({ perMinute: config.soap.rateLimitPerMinute }),
    authThrottle,
    maxBodyBytes: config.soap.mysuiteMaxBodyBytes,
    // The Requestor is looked up from the head of the body, before the rest is read or parsed.
    bodyGate: createRequestorGate({
      authenticate: (requestor) => apiUsers.authenticateRequestor(requestor),
      maxBodyBytes: config.soap.mysuiteMaxBodyBytes,
      operation: MYSUITE_OPERATION,
    }),
    logger,
    // The transaction audits itself (it knows tenant, caller and in-band result); the binding audits
    // only the envelopes it could not read.
    onCallCompleted: (outcome) => observeSoapCall('MYSuite', outcome, { audit: outcome.result === 'fault' }),
    ...publicUrlOf(MYSUITE_PATH),
  });
  return [
    [DESCARGA_MASIVA_PATH, v1],
    [DESCARGA_MASIVA_V2_PATH, v2],
    [MYSUITE_PATH, mysuite],
  ];
}

/** Every SOAP call, whatever the binding: counted for /metrics and written to the audit trail. */
function soapCallObserver(metrics: Metrics, audit: AuditTrail) {
  // A throttled call costs nothing by design: no row either (the failures behind it have theirs).
  const throttled = [generalErrors.authThrottled.code, generalErrors.authBusy.code];
  return async (binding: string, outcome: SoapCallOutcome, options = { audit: true }): Promise<void> => {
    metrics.soapCalls.inc({ operation: outcome.operation ?? 'unknown', result: outcome.code ?? 'ok' });
    if (!options.audit || throttled.includes(outcome.code ?? '')) return;
    await audit.record({
      tenantId: outcome.principal?.tenantId,
      actorType: 'api_user',
      actorId: outcome.principal?.userId,
      actorName: outcome.principal?.username,
      operacion: `${binding}.${outcome.operation ?? 'desconocida'}`,
      resultado: outcome.result === 'ok' ? 'ok' : 'error',
      codigo: outcome.code,
      ip: outcome.ip,
      requestId: outcome.requestId,
    });
  };
}
