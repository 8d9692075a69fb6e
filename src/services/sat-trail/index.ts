export { SatTrail, type SatStepTarget, type SatTrailEntry, type SatTrailOptions } from './sat-trail';
