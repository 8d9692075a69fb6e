export { createSatSimulatorApp, SimulatorState, type SatSimulatorOptions } from './app';
export { startSatSimulator, type RunningSatSimulator } from './server';
export { FaultPlan, type InjectedFault } from './faults';
export { PATHS, SOAP_ACTIONS, type Operation } from './protocol';
export type { ForcedOutcome } from './requests';
