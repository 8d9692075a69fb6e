export {
  JobRunner,
  ensureJobSchema,
  isRetryable,
  type JobHandler,
  type JobRunnerOptions,
} from './job-runner';
export { registerPipelineJobs, scheduleSweeper, SWEEP_JOB, type PipelineJobOptions } from './pipeline-jobs';
