export { createLogger, type Logger, type LoggerOptions } from './logger';
export { currentLogContext, withLogContext, newRequestId, type LogContext } from './context';
export { redact, redactText, isSecretKey } from './redaction';
