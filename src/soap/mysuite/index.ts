export { createRequestTransactionHandler } from './request-transaction';
export type { MySuiteServices } from './transaction';
export { TRANSACTIONS } from './transactions';

/** Fault detail of the MYSuite binding, used only for envelopes that cannot be read at all. */
export const MYSUITE_FAULT_DETAIL = Object.freeze({
  namespace: 'http://www.fact.com.mx/schema/ws',
  name: 'Falla',
  prefix: 'fx',
});
export { inBandCode, renderInBandCodeTable } from './in-band-codes';
export { createRequestorGate, type RequestorGateOptions } from './requestor-gate';

/** MYSuite's one operation, as its WSDL names the request element. */
export const MYSUITE_OPERATION = Object.freeze({
  namespace: 'http://www.fact.com.mx/schema/ws',
  localName: 'RequestTransaction',
});
