import { z } from 'zod';

const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const positiveInt = z.coerce.number().int().positive();
const nonNegativeInt = z.coerce.number().int().nonnegative();

const SECONDS_PER_UNIT = { s: 1, m: 60, h: 3600, d: 86_400 } as const;
/** Far past any wait that means something (polling stops at VERIFY_HORIZON_HOURS); keeps dates finite. */
const MAX_DURATION_SECONDS = 30 * 86_400;

/** A duration in seconds, written `90`, `30s`, `90m`, `3h` or `2d`: a whole number, one unit. */
const duration = z
  .string()
  .trim()
  .transform((text, context) => {
    const match = /^(\d+)([smhd]?)$/.exec(text);
    const unit = (match?.[2] || 's') as keyof typeof SECONDS_PER_UNIT;
    const seconds = match ? Number(match[1]) * SECONDS_PER_UNIT[unit] : Number.NaN;
    if (!(seconds >= 1 && seconds <= MAX_DURATION_SECONDS)) {
      context.addIssue({
        code: 'custom',
        message:
          'must be a duration from 1s to 30d: whole seconds, or a whole number followed by s, m, h or d (90, 30s, 90m, 3h, 2d)',
      });
      return z.NEVER;
    }
    return seconds;
  });

/**
 * Every environment variable the product reads. Each entry is documented in the README's
 * configuration table (a test checks that the table and this schema list the same names).
 */
export const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  PUBLIC_BASE_URL: z.url().optional(),
  LOG_LEVEL: z.enum(['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly']).default('info'),

  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  DATABASE_POOL_SIZE: positiveInt.default(10),
  EMBEDDED_PG_CREATE_USER: booleanFromEnv.default(false),

  S3_ENDPOINT: z.url().optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_BUCKET: z.string().min(3).default('descarga-masiva'),
  S3_ACCESS_KEY: z.string().min(1).optional(),
  S3_SECRET_KEY: z.string().min(1).optional(),

  MASTER_KEY: z
    .string()
    .refine((value) => Buffer.from(value, 'base64').length === 32, 'must be 32 bytes encoded in base64')
    .optional(),
  MASTER_KEY_PREVIOUS: z
    .string()
    .refine((value) => Buffer.from(value, 'base64').length === 32, 'must be 32 bytes encoded in base64')
    .optional(),

  SAT_MODE: z.enum(['simulator', 'production']).optional(),
  SAT_BASE_URL: z.url().optional(),
  SAT_CONNECT_TIMEOUT_MS: positiveInt.default(10_000),
  SAT_IDLE_TIMEOUT_MS: positiveInt.default(60_000),
  SAT_TOTAL_TIMEOUT_MS: positiveInt.default(30 * 60_000),
  SAT_TOKEN_RENEW_MARGIN_SECONDS: nonNegativeInt.default(60),
  SAT_MAX_XML_PER_REQUEST: positiveInt.default(200_000),
  SAT_MAX_METADATA_PER_REQUEST: positiveInt.default(1_000_000),

  // A demo: each simulated request shows Aceptada, then EnProceso, for a second each (docs/decisions.md).
  SIMULATOR_DELAY_SECONDS: nonNegativeInt.default(1),

  WORKERS_ENABLED: booleanFromEnv.default(true),
  WORKER_CONCURRENCY: positiveInt.default(5),
  WORKER_RFC_CONCURRENCY: positiveInt.default(2),
  JOB_RETRY_DELAY_SECONDS: positiveInt.default(5),
  JOB_LOCK_SECONDS: z.coerce.number().int().min(3).default(120),
  VERIFY_INITIAL_DELAY_SECONDS: positiveInt.optional(),
  VERIFY_MAX_DELAY_SECONDS: positiveInt.default(3600),
  VERIFY_HORIZON_HOURS: positiveInt.default(96),
  SIZING_MAX_WAIT: duration.prefault('3h'),
  SETTLEMENT_WINDOW_HOURS: nonNegativeInt.default(72),
  SAT_TRAIL_RETENTION_DAYS: positiveInt.default(30),
  PACKAGE_EXPIRY_ALERT_HOURS: z.coerce.number().int().min(1).max(71).default(24),

  // Sized to what each contract needs (docs/mysuite-compat.md, Limits): no DescargaMasiva request
  // carries a file; MYSuite's Data1 may carry an inline e.firma.
  SOAP_MAX_BODY_BYTES: positiveInt.default(64 * 1024),
  MYSUITE_MAX_BODY_BYTES: positiveInt.default(1024 * 1024),
  RATE_LIMIT_PER_MINUTE: positiveInt.default(600),
  AUTH_FAILURES_PER_IP: positiveInt.default(20),
  AUTH_FAILURES_PER_USERNAME: positiveInt.default(20),
  AUTH_FAILURE_WINDOW_SECONDS: positiveInt.max(86_400).default(60),
  LINK_TTL_SECONDS: positiveInt.default(3600),

  WEB_SESSION_HOURS: positiveInt.default(8),
  WEB_LOGIN_MAX_FAILURES: positiveInt.default(5),
  WEB_LOCKOUT_MINUTES: positiveInt.default(15),
  WEB_COOKIE_SECURE: booleanFromEnv.optional(),

  WEBHOOK_ALLOW_HTTP: booleanFromEnv.optional(),
  WEBHOOK_TIMEOUT_SECONDS: positiveInt.default(10),
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(25).default(8),
  WEBHOOK_RETRY_DELAY_SECONDS: positiveInt.default(30),
  WEBHOOK_MAX_RETRY_DELAY_SECONDS: positiveInt.default(3600),
  FIEL_EXPIRY_NOTICE_DAYS: positiveInt.default(30),

  RECONCILIATION_RECHECK_DAYS: nonNegativeInt.default(0),
  RECONCILIATION_RECHECK_MONTHS: z.coerce.number().int().min(1).max(60).default(12),
});

export type RawEnv = z.input<typeof envSchema>;
export type ParsedEnv = z.output<typeof envSchema>;
