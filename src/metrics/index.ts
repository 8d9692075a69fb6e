export { Metrics, registerQueueDepthGauge, type StateCounter } from './metrics';
export {
  CustodyMetrics,
  registerSatHealthGauges,
  type SatEndpointFigures,
  type SatWindowFigures,
} from './sat-health-metrics';
export { satCallObserver, type SatCallObservation } from './sat-call-metrics';
