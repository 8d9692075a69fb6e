export { AuditTrail, INSERT_AUDIT_SQL, type AuditEntry } from './audit-trail';
