export { Metrics, type StateCounter } from './metrics';
