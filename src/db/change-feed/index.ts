export {
  API_USER_CHANGES_CHANNEL,
  type ApiUserCache,
  createApiUserCache,
  followApiUserChanges,
} from './api-user-changes';
export { ChangeAwareCache, type ChangeAwareCacheOptions } from './change-aware-cache';
export { type ChannelEvent, ChannelListener } from './channel-listener';
