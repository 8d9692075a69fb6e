import path from 'node:path';
import { ConfigError, generalErrors } from '../errors';
import { envSchema, type ParsedEnv } from './schema';

export type SatMode = 'simulator' | 'production';

/** The validated, typed and frozen settings of one process. */
export interface AppConfig {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly publicBaseUrl: string | undefined;
  readonly logLevel: ParsedEnv['LOG_LEVEL'];
  readonly database: {
    readonly url: string | undefined;
    readonly poolSize: number;
    /** Embedded mode as root without a `postgres` system user: create it (changes the host, so opt-in). */
    readonly createSystemUser: boolean;
  };
  readonly storage:
    | { readonly kind: 'local'; readonly directory: string }
    | {
        readonly kind: 's3';
        readonly endpoint: string;
        readonly region: string;
        readonly bucket: string;
        readonly accessKey: string;
        readonly secretKey: string;
      };
  /** Base64 master key; absent only in embedded mode, where it lives in the data directory. */
  readonly masterKey: string | undefined;
  /** The key being rotated away from, while `rotate-master-key` runs with environment keys. */
  readonly masterKeyPrevious: string | undefined;
  readonly sat: {
    readonly mode: SatMode;
    readonly baseUrl: string | undefined;
    readonly connectTimeoutMs: number;
    readonly idleTimeoutMs: number;
    readonly totalTimeoutMs: number;
    readonly tokenRenewMarginSeconds: number;
    /** SAT's caps per request (5003 beyond): the planner splits periods so each part stays under them. */
    readonly maxXmlPerRequest: number;
    readonly maxMetadataPerRequest: number;
  };
  readonly simulator: { readonly delaySeconds: number };
  readonly workers: {
    readonly enabled: boolean;
    readonly concurrency: number;
    readonly rfcConcurrency: number;
    /** First wait after a transient failure; doubles on each attempt (with jitter). */
    readonly retryDelaySeconds: number;
    /** How long a running job stays locked without a heartbeat: how soon a dead worker's job is taken over. */
    readonly lockSeconds: number;
    readonly verifyInitialDelaySeconds: number;
    readonly verifyMaxDelaySeconds: number;
    readonly verifyHorizonHours: number;
    /** An XML period whose sizing metadata has not come after this long is asked for by day. */
    readonly sizingMaxWaitSeconds: number;
  };
  readonly settlementWindowHours: number;
  /** The raw SAT trail (opt-in per tenant): how long an exchange is kept. */
  readonly satTrail: { readonly retentionDays: number };
  /** Alert when a package is this close to SAT's 72-hour expiry and not stored. */
  readonly custody: { readonly expiryAlertHours: number };
  readonly soap: {
    /** Largest body on /soap/DescargaMasiva (v1 and v2). */
    readonly maxBodyBytes: number;
    /** Largest body of an authenticated MYSuite call. */
    readonly mysuiteMaxBodyBytes: number;
    readonly rateLimitPerMinute: number;
  };
  readonly linkTtlSeconds: number;
  /** SOAP authentication failures allowed per client address and per username in one window. */
  readonly authThrottle: {
    readonly maxFailuresPerAddress: number;
    readonly maxFailuresPerUsername: number;
    readonly windowSeconds: number;
  };
  readonly web: {
    /** A session ends after this long without activity. */
    readonly sessionHours: number;
    /** Consecutive failed sign-ins that lock an account. */
    readonly loginMaxFailures: number;
    readonly lockoutMinutes: number;
    readonly secureCookies: boolean;
  };
  /** Webhooks: signed POSTs of solicitud state changes and e.firma expiry notices. */
  readonly notifications: {
    /** Accept http:// receivers (on by default only in simulator mode). */
    readonly allowHttp: boolean;
    /** Limit of one POST, connection to last byte. */
    readonly timeoutMs: number;
    /** POSTs of one delivery before it is given up as Fallido. */
    readonly maxAttempts: number;
    /** Wait before the second attempt; doubles after each failure (with jitter) up to the maximum. */
    readonly retryDelaySeconds: number;
    readonly maxRetryDelaySeconds: number;
    /** An e.firma this close to expiry (or expired) is notified once a day. */
    readonly fielExpiryNoticeDays: number;
  };
  /** Re-checking statuses through fresh metadata solicitudes, for months whose XML is held. */
  readonly reconciliation: {
    /** Days between two re-checks; 0 turns them off (the default). */
    readonly recheckDays: number;
    /** Whole months before the current one that are re-checked. */
    readonly recheckMonths: number;
  };
}

/**
 * SAT takes minutes to hours and asks clients not to poll it hard: the first look comes after 30 s and
 * the backoff takes over. The simulator is done after its delay as Aceptada plus as long EnProceso, so
 * the first look comes then and finds the answer, with no poll wasted and no second lost to a backoff.
 */
function defaultVerifyInitialDelay(satMode: SatMode, e: ParsedEnv): number {
  return satMode === 'simulator' ? Math.max(1, 2 * e.SIMULATOR_DELAY_SECONDS) : 30;
}

function invalid(variable: string, reason: string): ConfigError {
  return new ConfigError(generalErrors.configInvalid, { params: { variable, reason } });
}

/**
 * Reads the settings from `env` (normally `process.env`). Throws a ConfigError naming the first bad
 * variable; the caller prints it as one line and exits with code 2.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(String(issue?.path[0] ?? 'environment'), issue?.message ?? 'invalid value');
  }
  const e = parsed.data;
  const satMode: SatMode = e.SAT_MODE ?? (e.DATABASE_URL ? 'production' : 'simulator');
  const dataDir = path.resolve(e.DATA_DIR);

  const s3Given = [e.S3_ENDPOINT, e.S3_ACCESS_KEY, e.S3_SECRET_KEY].filter((value) => value !== undefined);
  if (s3Given.length > 0 && s3Given.length < 3) {
    const missing = e.S3_ENDPOINT ? (e.S3_ACCESS_KEY ? 'S3_SECRET_KEY' : 'S3_ACCESS_KEY') : 'S3_ENDPOINT';
    throw invalid(missing, 'S3_ENDPOINT, S3_ACCESS_KEY and S3_SECRET_KEY go together');
  }
  if (satMode === 'production' && e.DATABASE_URL && !e.MASTER_KEY) {
    throw invalid('MASTER_KEY', 'required with DATABASE_URL in production mode');
  }

  const config: AppConfig = {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    publicBaseUrl: e.PUBLIC_BASE_URL?.replace(/\/+$/, ''),
    logLevel: e.LOG_LEVEL,
    database: {
      url: e.DATABASE_URL,
      poolSize: e.DATABASE_POOL_SIZE,
      createSystemUser: e.EMBEDDED_PG_CREATE_USER,
    },
    storage:
      e.S3_ENDPOINT && e.S3_ACCESS_KEY && e.S3_SECRET_KEY
        ? {
            kind: 's3',
            endpoint: e.S3_ENDPOINT,
            region: e.S3_REGION,
            bucket: e.S3_BUCKET,
            accessKey: e.S3_ACCESS_KEY,
            secretKey: e.S3_SECRET_KEY,
          }
        : { kind: 'local', directory: path.join(dataDir, 'objects') },
    masterKey: e.MASTER_KEY,
    masterKeyPrevious: e.MASTER_KEY_PREVIOUS,
    sat: {
      mode: satMode,
      baseUrl: e.SAT_BASE_URL?.replace(/\/+$/, ''),
      connectTimeoutMs: e.SAT_CONNECT_TIMEOUT_MS,
      idleTimeoutMs: e.SAT_IDLE_TIMEOUT_MS,
      totalTimeoutMs: e.SAT_TOTAL_TIMEOUT_MS,
      tokenRenewMarginSeconds: e.SAT_TOKEN_RENEW_MARGIN_SECONDS,
      maxXmlPerRequest: e.SAT_MAX_XML_PER_REQUEST,
      maxMetadataPerRequest: e.SAT_MAX_METADATA_PER_REQUEST,
    },
    simulator: { delaySeconds: e.SIMULATOR_DELAY_SECONDS },
    workers: {
      enabled: e.WORKERS_ENABLED,
      concurrency: e.WORKER_CONCURRENCY,
      rfcConcurrency: e.WORKER_RFC_CONCURRENCY,
      retryDelaySeconds: e.JOB_RETRY_DELAY_SECONDS,
      lockSeconds: e.JOB_LOCK_SECONDS,
      verifyInitialDelaySeconds: e.VERIFY_INITIAL_DELAY_SECONDS ?? defaultVerifyInitialDelay(satMode, e),
      verifyMaxDelaySeconds: e.VERIFY_MAX_DELAY_SECONDS,
      verifyHorizonHours: e.VERIFY_HORIZON_HOURS,
      sizingMaxWaitSeconds: e.SIZING_MAX_WAIT,
    },
    settlementWindowHours: e.SETTLEMENT_WINDOW_HOURS,
    satTrail: { retentionDays: e.SAT_TRAIL_RETENTION_DAYS },
    custody: { expiryAlertHours: e.PACKAGE_EXPIRY_ALERT_HOURS },
    soap: {
      maxBodyBytes: e.SOAP_MAX_BODY_BYTES,
      mysuiteMaxBodyBytes: e.MYSUITE_MAX_BODY_BYTES,
      rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    },
    linkTtlSeconds: e.LINK_TTL_SECONDS,
    authThrottle: {
      maxFailuresPerAddress: e.AUTH_FAILURES_PER_IP,
      maxFailuresPerUsername: e.AUTH_FAILURES_PER_USERNAME,
      windowSeconds: e.AUTH_FAILURE_WINDOW_SECONDS,
    },
    web: {
      sessionHours: e.WEB_SESSION_HOURS,
      loginMaxFailures: e.WEB_LOGIN_MAX_FAILURES,
      lockoutMinutes: e.WEB_LOCKOUT_MINUTES,
      // Browsers drop Secure cookies over plain HTTP: on only when the public address is HTTPS, unless told.
      secureCookies: e.WEB_COOKIE_SECURE ?? e.PUBLIC_BASE_URL?.startsWith('https:') === true,
    },
    notifications: {
      // A signed body over plain HTTP still leaks the data it carries: production wants HTTPS.
      allowHttp: e.WEBHOOK_ALLOW_HTTP ?? satMode === 'simulator',
      timeoutMs: e.WEBHOOK_TIMEOUT_SECONDS * 1000,
      maxAttempts: e.WEBHOOK_MAX_ATTEMPTS,
      retryDelaySeconds: e.WEBHOOK_RETRY_DELAY_SECONDS,
      maxRetryDelaySeconds: Math.max(e.WEBHOOK_MAX_RETRY_DELAY_SECONDS, e.WEBHOOK_RETRY_DELAY_SECONDS),
      fielExpiryNoticeDays: e.FIEL_EXPIRY_NOTICE_DAYS,
    },
    reconciliation: {
      recheckDays: e.RECONCILIATION_RECHECK_DAYS,
      recheckMonths: e.RECONCILIATION_RECHECK_MONTHS,
    },
  };
  return deepFreeze(config);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}
