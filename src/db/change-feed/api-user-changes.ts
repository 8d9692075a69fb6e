import type { DataSource } from 'typeorm';
import type { ApiUser } from '../entities/api-user.entity';
import { poolOf } from '../pool';
import { ChangeAwareCache } from './change-aware-cache';
import { type ChannelEvent, ChannelListener } from './channel-listener';

/** Notified at the commit of any statement that writes api_users (migration ApiUserChanges). */
export const API_USER_CHANGES_CHANNEL = 'api_users_changed';

/** Active API users by lookup key; null is "no active user" (cached too, see docs/decisions.md). */
export type ApiUserCache = ChangeAwareCache<ApiUser | null>;

export function createApiUserCache(options: { ttlMs?: number; maxEntries?: number } = {}): ApiUserCache {
  return new ChangeAwareCache({
    ttlMs: options.ttlMs ?? 60_000,
    maxEntries: options.maxEntries ?? 10_000,
    // A username is at most 64 characters (ApiUserService), a Requestor key 64 hex digits; plus prefix.
    maxKeyLength: 128,
  });
}

/**
 * Keeps `cache` in step with api_users: enabled while a dedicated connection LISTENs, emptied at each
 * announced change, disabled (every lookup reads the table) while that connection is down.
 */
export async function followApiUserChanges(
  dataSource: DataSource,
  cache: ApiUserCache,
  onEvent?: (event: ChannelEvent) => void,
): Promise<ChannelListener> {
  const listener = new ChannelListener(poolOf(dataSource).options, API_USER_CHANGES_CHANNEL, {
    onListening: () => cache.enable(),
    onNotification: () => cache.invalidate(),
    onLost: () => cache.disable(),
    onEvent,
  });
  await listener.start();
  return listener;
}
