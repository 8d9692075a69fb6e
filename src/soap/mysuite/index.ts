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
