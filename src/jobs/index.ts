export {
  JobRunner,
  ensureJobSchema,
  isRetryable,
  type JobHandler,
  type JobRunnerOptions,
} from './job-runner';
export { registerPipelineJobs, scheduleSweeper, SWEEP_JOB, type PipelineJobOptions } from './pipeline-jobs';
export {
  registerNotificationJobs,
  scheduleNotificationJobs,
  FIEL_NOTICE_JOB,
  WEBHOOK_SWEEP_JOB,
  type NotificationJobOptions,
} from './notification-jobs';
export {
  registerSatMaintenanceJobs,
  scheduleSatMaintenance,
  SAT_PURGE_JOB,
  CUSTODY_JOB,
  type SatMaintenanceOptions,
  type SatMaintenanceServices,
} from './sat-maintenance-jobs';
export {
  registerReconciliationJobs,
  scheduleReconciliationJobs,
  STATUS_RECHECK_JOB,
  type ReconciliationJobOptions,
} from './reconciliation-jobs';
export {
  registerListCountJobs,
  scheduleListCountJobs,
  LIST_COUNTS_JOB,
  type ListCountJobOptions,
} from './list-count-jobs';
