/**
 * What services need from the job system: to ask for a step to run, now or later. Implemented by
 * `src/jobs` over Agenda; services never see Agenda itself.
 */
export interface JobQueue {
  /**
   * Schedules job `name` for the entity `key` at `runAt` (now when absent). Enqueuing the same name and
   * key again while a run is pending moves that run instead of adding a second one.
   */
  enqueue(name: string, key: string, runAt?: Date): Promise<void>;
}
