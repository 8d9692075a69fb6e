export { currentSatCallScope, runInSatCallScope, type SatCallScope } from './sat-call-scope';
export { EnvelopeTap, MAX_TRAIL_CHARS, type SniffedAnswer } from './envelope-tap';
export {
  ObservedSatTransport,
  redactEnvelope,
  type ObservedTransportOptions,
  type SatExchangeEvent,
  type SatExchangeListener,
} from './observed-transport';
