export {
  AuthThrottle,
  type AuthAttempt,
  type AuthThrottleOptions,
  FailureWindows,
  addressKey,
  usernameKey,
} from './auth-throttle';
