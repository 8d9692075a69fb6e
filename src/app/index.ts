export { startApplication, type StartOptions } from './start-application';
export type { RunningApplication } from './lifecycle';
