export {
  LIFETIME_LIMIT,
  criteriaExhausted,
  criteriaKey,
  criteriaRecord,
  describeCriteria,
  isLifetimeLimited,
  type SatCriteria,
} from './criteria';
export {
  SAT_CAPS,
  capFor,
  coveringMetadataKeys,
  indexDensity,
  sizeFromIndex,
  unindexedGaps,
  unsizedGaps,
  type RangeSizing,
  type SatCaps,
  type SizingScope,
} from './sizing';
export { segmentDays, type DaySegment } from './day-plan';
export { planSplit, type DensityBucket, type DensitySource, type PlannedPart } from './split-plan';
export { satHistoryFloor, widenByOneSecond, type Widening } from './period-widening';
