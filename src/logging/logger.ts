import winston from 'winston';
import type { Writable } from 'node:stream';
import { currentLogContext } from './context';
import { redact, redactText } from './redaction';

export type Logger = winston.Logger;

export interface LoggerOptions {
  readonly level?: string;
  /** Where lines go; standard output when absent (tests pass a stream to read them back). */
  readonly stream?: Writable;
  /** Fields added to every line, e.g. `{ service: 'worker' }`. */
  readonly defaultMeta?: Record<string, string>;
}

/** Adds the AsyncLocalStorage context and scrubs secrets from every field, message included. */
const contextAndRedaction = winston.format((info) => {
  const context = currentLogContext();
  const scrubbed = redact({ ...context, ...info }) as Record<string, unknown>;
  for (const key of Object.keys(info)) delete (info as Record<string, unknown>)[key];
  Object.assign(info, scrubbed);
  if (typeof info.message === 'string') info.message = redactText(info.message);
  return info;
});

export function createLogger(options: LoggerOptions = {}): Logger {
  const transport = options.stream
    ? new winston.transports.Stream({ stream: options.stream })
    : new winston.transports.Console();
  return winston.createLogger({
    level: options.level ?? 'info',
    defaultMeta: options.defaultMeta,
    format: winston.format.combine(
      winston.format.errors({ stack: true }),
      winston.format.timestamp(),
      contextAndRedaction(),
      winston.format.json(),
    ),
    transports: [transport],
  });
}
