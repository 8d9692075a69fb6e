export { Metrics, type StateCounter } from './metrics';
export {
  CustodyMetrics,
  registerSatHealthGauges,
  type SatEndpointFigures,
  type SatWindowFigures,
} from './sat-health-metrics';
