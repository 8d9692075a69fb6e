export { WebUserService, type WebPrincipal, type LockoutPolicy } from './web-user-service';
export { SessionStore, csrfMatches, type IssuedSession, type OpenSession } from './session-store';
