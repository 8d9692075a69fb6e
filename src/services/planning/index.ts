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
  unsizedGaps,
  type RangeSizing,
  type SatCaps,
  type SizingScope,
} from './sizing';
export { planSplit, type DensityBucket, type DensitySource, type PlannedPart } from './split-plan';
