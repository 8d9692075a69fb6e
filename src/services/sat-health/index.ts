export {
  SAT_ENDPOINTS,
  SAT_OPERATIONS,
  endpointOf,
  isSatEndpoint,
  operationOf,
  servicioOf,
  type SatEndpoint,
  type SatOperation,
} from './endpoints';
export {
  classifyCall,
  countsAsFailure,
  type CallOutcome,
  type ClassifiedCall,
  type ObservedAnswer,
} from './call-outcome';
export { HEALTH_RULES, healthState, type HealthState, type WindowFigures } from './health-rules';
export { LATENCY_BOUNDS_MS, bucketIndex, percentileMs } from './latency-buckets';
export { SatCallRecorder, SAT_CALL_STATS_KEEP_HOURS, type RecordedCall } from './sat-call-recorder';
export {
  SatHealth,
  type EndpointHealth,
  type SatHealthOptions,
  type SatHealthSnapshot,
  type SatNotice,
} from './sat-health';
