export { createSatSimulatorApp, type SatSimulatorOptions } from './app';
export { SimulatorState } from './state';
export { startSatSimulator, type RunningSatSimulator } from './server';
export { FaultPlan, isInjectedFault, type InjectedFault } from './faults';
export { PATHS, SOAP_ACTIONS, type Operation } from './protocol';
export { mexicoDay } from './mexico-time';
export type {
  Criteria,
  ForcedOutcome,
  HoldAccepted,
  LifetimeCount,
  RequestSettings,
  SimulatedRequest,
} from './requests';
