import type { JobQueue } from '../../src/services/ports/job-queue';

export interface EnqueuedJob {
  readonly name: string;
  readonly key: string;
  readonly runAt?: Date;
}

/** Records what services would schedule, so a test runs the steps itself; the job system is tested on its own. */
export class RecordingQueue implements JobQueue {
  readonly enqueued: EnqueuedJob[] = [];

  async enqueue(name: string, key: string, runAt?: Date): Promise<void> {
    this.enqueued.push(runAt === undefined ? { name, key } : { name, key, runAt });
  }

  /** The keys enqueued for job `name`, in order, removed from the record. */
  take(name: string): string[] {
    const keys = this.enqueued.filter((job) => job.name === name).map((job) => job.key);
    this.enqueued.splice(0, this.enqueued.length, ...this.enqueued.filter((job) => job.name !== name));
    return keys;
  }
}
