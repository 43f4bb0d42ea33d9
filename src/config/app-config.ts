import { EnvironmentVariables, parseTrustProxy } from './env.validation';
import { LOCAL_DEFAULTS, shouldSeedDemo } from './runtime-mode';

// Typed, resolved settings used by the modules; they never read process.env themselves.
export interface AppConfig {
  mode: 'servers' | 'embedded';
  production: boolean;
  port: number;
  appUrl: string;
  databaseUrl: string;
  redisUrl: string | null;
  queueBackend: 'redis' | 'postgres';
  queuePrefix: string;
  mailTransport: { kind: 'smtp'; url: string } | { kind: 'outbox' };
  mailFrom: string;
  mailReplyTo: string;
  sessionSecret: string;
  dataDir: string;
  logLevel: string;
  loginRateLimit: number;
  registrationRateLimit: number;
  loginAccountRateLimit: number;
  trustProxy: false | number | string[];
  seedDemo: boolean;
  confirmTokenHours: number;
  /** Finished runs kept per kind besides the current ones (older ones are pruned). */
  matchingKeepRuns: number;
  resetTokenMinutes: number;
  legalFiles: { impressum: string | null; privacy: string | null };
}

export function toAppConfig(env: EnvironmentVariables): AppConfig {
  const embedded = env.KT_MODE === 'embedded';
  const smtp = env.SMTP_URL ?? (embedded ? 'outbox' : LOCAL_DEFAULTS.SMTP_URL);
  return {
    mode: embedded ? 'embedded' : 'servers',
    production: env.NODE_ENV === 'production',
    port: env.PORT,
    appUrl: env.APP_URL.replace(/\/$/, ''),
    databaseUrl: env.DATABASE_URL ?? LOCAL_DEFAULTS.DATABASE_URL,
    redisUrl: embedded ? null : (env.REDIS_URL ?? LOCAL_DEFAULTS.REDIS_URL),
    queueBackend: embedded ? 'postgres' : 'redis',
    queuePrefix: env.QUEUE_PREFIX,
    mailTransport: smtp === 'outbox' ? { kind: 'outbox' } : { kind: 'smtp', url: smtp },
    mailFrom: env.MAIL_FROM,
    mailReplyTo: env.MAIL_REPLY_TO,
    // Outside production a fixed development secret is acceptable; production requires one (validated).
    sessionSecret: env.SESSION_SECRET ?? 'development-only-session-secret-not-for-production',
    dataDir: env.DATA_DIR,
    logLevel: env.LOG_LEVEL,
    loginRateLimit: env.LOGIN_RATE_LIMIT,
    registrationRateLimit: env.REGISTRATION_RATE_LIMIT,
    loginAccountRateLimit: env.LOGIN_ACCOUNT_RATE_LIMIT,
    trustProxy: parseTrustProxy(env.TRUST_PROXY) ?? false,
    // Demo data only where nobody keeps real data by default (embedded), or when asked for.
    seedDemo: shouldSeedDemo(embedded ? 'embedded' : 'servers', env.SEED_DEMO),
    confirmTokenHours: env.CONFIRM_TOKEN_HOURS,
    matchingKeepRuns: env.MATCHING_KEEP_RUNS,
    resetTokenMinutes: env.RESET_TOKEN_MINUTES,
    legalFiles: { impressum: env.IMPRESSUM_FILE || null, privacy: env.DATENSCHUTZ_FILE || null },
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
