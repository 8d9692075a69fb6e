import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Whose SAT calls these are: set around each pipeline step, read by the observed transport, which
 * serves every tenant's calls through one SAT client per e.firma and would not know otherwise.
 */
export interface SatCallScope {
  readonly tenantId: string;
  readonly solicitudId: string;
  readonly satRequestId?: string | undefined;
  /** The tenant opted into the raw SAT trail: keep this step's envelopes. */
  readonly trail: boolean;
}

const storage = new AsyncLocalStorage<SatCallScope>();

export function currentSatCallScope(): SatCallScope | undefined {
  return storage.getStore();
}

export function runInSatCallScope<T>(scope: SatCallScope, work: () => Promise<T>): Promise<T> {
  return storage.run(scope, work);
}
