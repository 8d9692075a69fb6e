import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** What every log line written inside a request or a job carries. */
export interface LogContext {
  readonly requestId?: string;
  readonly jobId?: string;
  readonly tenantId?: string;
  readonly [key: string]: string | undefined;
}

const storage = new AsyncLocalStorage<LogContext>();

export function currentLogContext(): LogContext {
  return storage.getStore() ?? {};
}

/** Runs `fn` with `context` added to the current one, for every log line written inside it. */
export function withLogContext<T>(context: LogContext, fn: () => T): T {
  return storage.run({ ...currentLogContext(), ...context }, fn);
}

export function newRequestId(): string {
  return randomUUID();
}
