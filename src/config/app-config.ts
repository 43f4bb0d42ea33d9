import { availableParallelism } from 'node:os';
import { EnvironmentVariables, parseTrustProxy, validateEnv } from './env.validation';
import { isLoopbackHost, listenHost } from './listen-host';
import { LOCAL_DEFAULTS, shouldSeedDemo } from './runtime-mode';

/** argon2id parameters: memory in KiB, passes. */
export interface PasswordHashCost {
  memoryKib: number;
  iterations: number;
}

// Typed, resolved settings used by the modules; they never read process.env themselves.
export interface AppConfig {
  mode: 'servers' | 'embedded';
  production: boolean;
  port: number;
  /** Address the web process listens on, and whether only this machine can reach it. */
  host: string;
  loopbackOnly: boolean;
  appUrl: string;
  databaseUrl: string;
  /** PostgreSQL connections of this process's TypeORM pool (a web process has up to 4 more for sessions). */
  databasePoolSize: number;
  /** Named prepared statements for parameterised queries (servers mode only; src/database/prepared-statements.ts). */
  preparedStatements: boolean;
  /** What the start command runs: web processes sharing the port, worker processes; `forcedToOne` in the embedded mode. */
  processes: ProcessPlan;
  /** BullMQ lock of a running job (ms); a dead worker's jobs are taken over after about twice this. */
  jobLockMs: number;
  redisUrl: string | null;
  queueBackend: 'redis' | 'postgres';
  queuePrefix: string;
  /** BullMQ's job lock and stalled-job check (s): how soon a job of a dead worker runs again. */
  mailTransport: { kind: 'smtp'; url: string } | { kind: 'outbox' };
  mailFrom: string;
  mailReplyTo: string;
  sessionSecret: string;
  dataDir: string;
  logLevel: string;
  loginRateLimit: number;
  registrationRateLimit: number;
  loginAccountRateLimit: number;
  /** Password-reset, email-change and invitation-notice mails per recipient address and hour (per kind). */
  addressMailRateLimit: number;
  trustProxy: false | number | string[];
  seedDemo: boolean;
  confirmTokenHours: number;
  /** Finished runs kept per kind besides the current ones (older ones are pruned). */
  matchingKeepRuns: number;
  /** How long a web process reuses a session and its user (ms, 0 = off): see auth/session-cache.ts. */
  sessionCacheMs: number;
  /** Compiled page templates kept in memory (off only while editing templates). */
  viewCache: boolean;
  /** Signed-in pages kept per session and URL until a write commits: bytes per process (0 = off), longest reuse. */
  pageCache: { maxBytes: number; ttlMs: number };
  resetDemoPasswords: boolean;
  embeddedPgPort: number | undefined;
  /** Embedded mode: longest wait for the database session before a statement is refused (ms). */
  embeddedSessionWaitMs: number;
  officePassword: string | undefined;
  /** argon2id cost of new password hashes (a stored hash is verified with its own). */
  passwordHash: PasswordHashCost;
  resetTokenMinutes: number;
  legalFiles: { impressum: string | null; privacy: string | null };
  digest: { cron: string; timeZone: string; unsubscribeSecret: string };
  mailClaimTimeoutSeconds: number;
  /** Approved tandems that never start: reminder to both towns, then expiry (days since approval). */
  /** Weeks after a tandem's start until both towns are asked whether it fits. */
  tandemFitCheckWeeks: number;
  /** Days after the first town's result until the tandem concludes without the second. */
  tandemResultDays: number;
  tandemStart: { reminderDays: number; expiryDays: number };
  /** Activity (issue 23): weeks of silence until a tandem is reminded; months of silence until a town is paused. */
  activity: { silenceWeeks: number; dormantMonths: number };
}

/** Connections a web process opens besides its pool: the session store's own (src/app.setup.ts). */
export const SESSION_POOL_SIZE = 4;

export interface ProcessPlan {
  web: number;
  workers: number;
  /** Where the web count came from: WEB_CONCURRENCY, the number of cores, or the embedded mode's one session. */
  webSource: 'env' | 'cores' | 'embedded';
  /** Embedded: what WEB_CONCURRENCY / WORKER_CONCURRENCY asked for but was not granted (for the start log). */
  ignored: string[];
}

/** One web and one worker process embedded (PGlite has one session); otherwise as configured, web defaulting to the cores. */
export function processPlan(
  env: Pick<EnvironmentVariables, 'WEB_CONCURRENCY' | 'WORKER_CONCURRENCY'>,
  embedded: boolean,
  cores: number,
): ProcessPlan {
  if (embedded) {
    const ignored = [
      ...(env.WEB_CONCURRENCY !== undefined && env.WEB_CONCURRENCY !== 1 ? [`WEB_CONCURRENCY=${env.WEB_CONCURRENCY}`] : []),
      ...(env.WORKER_CONCURRENCY !== 1 ? [`WORKER_CONCURRENCY=${env.WORKER_CONCURRENCY}`] : []),
    ];
    return { web: 1, workers: 1, webSource: 'embedded', ignored };
  }
  if (env.WEB_CONCURRENCY !== undefined)
    return { web: env.WEB_CONCURRENCY, workers: env.WORKER_CONCURRENCY, webSource: 'env', ignored: [] };
  return { web: Math.max(1, cores), workers: env.WORKER_CONCURRENCY, webSource: 'cores', ignored: [] };
}

export function toAppConfig(env: EnvironmentVariables): AppConfig {
  const embedded = env.KT_MODE === 'embedded';
  const host = listenHost(env.HOST, embedded ? 'embedded' : 'servers');
  const smtp = env.SMTP_URL ?? (embedded ? 'outbox' : LOCAL_DEFAULTS.SMTP_URL);
  return {
    mode: embedded ? 'embedded' : 'servers',
    production: env.NODE_ENV === 'production',
    port: env.PORT,
    host,
    loopbackOnly: isLoopbackHost(host),
    appUrl: (env.APP_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, ''),
    databaseUrl: env.DATABASE_URL ?? LOCAL_DEFAULTS.DATABASE_URL,
    databasePoolSize: env.DATABASE_POOL_SIZE,
    preparedStatements: !embedded && env.DATABASE_PREPARED_STATEMENTS === 'true',
    processes: processPlan(env, embedded, availableParallelism()),
    jobLockMs: env.JOB_LOCK_SECONDS * 1000,
    redisUrl: embedded ? null : (env.REDIS_URL ?? LOCAL_DEFAULTS.REDIS_URL),
    queueBackend: embedded ? 'postgres' : 'redis',
    queuePrefix: env.QUEUE_PREFIX,
    mailTransport: smtp === 'outbox' ? { kind: 'outbox' } : { kind: 'smtp', url: smtp },
    mailFrom: env.MAIL_FROM,
    mailReplyTo: env.MAIL_REPLY_TO,
    // Outside production a fixed development secret is acceptable; production requires one (validated).
    sessionSecret: env.SESSION_SECRET ?? 'development-only-session-secret-not-for-production',
    dataDir: env.DATA_DIR,
    logLevel: env.LOG_LEVEL ?? (env.NODE_ENV === 'test' ? 'warn' : 'info'),
    loginRateLimit: env.LOGIN_RATE_LIMIT,
    registrationRateLimit: env.REGISTRATION_RATE_LIMIT,
    loginAccountRateLimit: env.LOGIN_ACCOUNT_RATE_LIMIT,
    addressMailRateLimit: env.ADDRESS_MAIL_RATE_LIMIT,
    trustProxy: parseTrustProxy(env.TRUST_PROXY) ?? false,
    // Demo data only where nobody keeps real data by default (embedded), or when asked for.
    seedDemo: shouldSeedDemo(embedded ? 'embedded' : 'servers', env.SEED_DEMO),
    confirmTokenHours: env.CONFIRM_TOKEN_HOURS,
    matchingKeepRuns: env.MATCHING_KEEP_RUNS,
    sessionCacheMs: env.SESSION_CACHE_MS ?? (env.NODE_ENV === 'test' ? 0 : 2000),
    viewCache: env.VIEW_CACHE === 'true',
    pageCache: { maxBytes: env.PAGE_CACHE_MB * 1024 * 1024, ttlMs: env.PAGE_CACHE_TTL_SECONDS * 1000 },
    resetDemoPasswords: env.RESET_DEMO_PASSWORDS === 'true',
    embeddedPgPort: env.EMBEDDED_PG_PORT,
    embeddedSessionWaitMs: env.EMBEDDED_SESSION_WAIT_MS,
    officePassword: env.OFFICE_PASSWORD,
    passwordHash: { memoryKib: env.PASSWORD_HASH_MEMORY_KIB, iterations: env.PASSWORD_HASH_ITERATIONS },
    resetTokenMinutes: env.RESET_TOKEN_MINUTES,
    legalFiles: { impressum: env.IMPRESSUM_FILE || null, privacy: env.DATENSCHUTZ_FILE || null },
    digest: {
      cron: env.DIGEST_CRON,
      timeZone: env.DIGEST_TZ,
      unsubscribeSecret: env.DIGEST_UNSUBSCRIBE_SECRET ?? env.SESSION_SECRET ?? 'development-only-session-secret-not-for-production',
    },
    mailClaimTimeoutSeconds: env.MAIL_CLAIM_TIMEOUT_SECONDS,
    tandemStart: { reminderDays: env.TANDEM_START_REMINDER_DAYS, expiryDays: env.TANDEM_START_EXPIRY_DAYS },
    tandemFitCheckWeeks: env.TANDEM_FIT_CHECK_WEEKS,
    tandemResultDays: env.TANDEM_RESULT_DAYS,
    activity: { silenceWeeks: env.TANDEM_SILENCE_WEEKS, dormantMonths: env.TOWN_DORMANT_MONTHS },
  };
}

let cached: { key: string; config: AppConfig } | undefined;

/**
 * The settings of this process, read from process.env and validated once (again only if the environment changed,
 * as between the test files' apps). For code that runs before Nest's container exists: entry points, scripts, and
 * decorator arguments evaluated at import; everything inside Nest injects APP_CONFIG instead.
 */
export function appConfig(): AppConfig {
  const key = JSON.stringify(process.env);
  if (cached?.key !== key) cached = { key, config: toAppConfig(validateEnv(process.env)) };
  return cached.config;
}

export const APP_CONFIG = Symbol('APP_CONFIG');
