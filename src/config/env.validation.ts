import 'reflect-metadata';
import { isIP } from 'node:net';
import { plainToInstance, Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  Validate,
  ValidatorConstraint,
  ValidatorConstraintInterface,
  validateSync,
} from 'class-validator';
import { isValidHost } from './listen-host';

@ValidatorConstraint({ name: 'isListenHost' })
class IsListenHost implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && isValidHost(value.trim());
  }
  defaultMessage(): string {
    return 'HOST must be an IP address to listen on, e.g. 127.0.0.1 (this machine only) or 0.0.0.0 (every network)';
  }
}

// Every setting comes from the environment; this is the single list, checked once at start-up.
export class EnvironmentVariables {
  @IsOptional()
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT: number = 3000;

  /** Defaults to http://localhost:<PORT>. */
  @IsOptional()
  @IsString()
  @Matches(/^https?:\/\/[^\s/]+(:\d+)?(\/.*)?$/, { message: 'APP_URL must be an absolute http(s) URL such as http://localhost:3000' })
  APP_URL?: string;

  // Address the web process listens on; default 127.0.0.1 in the embedded mode, 0.0.0.0 on servers (listen-host.ts).
  @IsOptional()
  @IsString()
  @Validate(IsListenHost)
  HOST?: string;

  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must look like postgres://user:password@host:5432/database' })
  DATABASE_URL?: string;

  @IsOptional()
  @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must look like redis://host:6379' })
  REDIS_URL?: string;

  // Only what the mail transport can send through: smtp(s):// or the local outbox (nothing else, e.g. "log", passes).
  @IsOptional()
  @Matches(/^(smtps?:\/\/[^\s]+|outbox)$/, {
    message: 'SMTP_URL must be smtp://user:pass@host:587, smtps://… or "outbox" (other schemes such as "log" are not supported)',
  })
  SMTP_URL?: string;

  @IsString()
  @Matches(/^.+@.+$/, { message: 'MAIL_FROM must contain an email address, e.g. "Kleinstadt-Tandem <tandem@example.org>"' })
  MAIL_FROM = 'Kleinstadt-Tandem <no-reply@kleinstadt-tandem.local>';

  // The Geschäftsstelle's mailbox: Reply-To of tandem mails (people answer a person, not a no-reply sender).
  @IsString()
  @Matches(/^.+@.+$/, { message: 'MAIL_REPLY_TO must contain an email address, e.g. "Geschäftsstelle <tandem@kleinstadtakademie.de>"' })
  MAIL_REPLY_TO = 'Geschäftsstelle Kleinstadt-Tandem <geschaeftsstelle@kleinstadt-tandem.local>';

  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'SESSION_SECRET must be at least 32 characters long' })
  SESSION_SECRET?: string;

  @IsString() DATA_DIR = './data';

  @IsString()
  @Matches(/^[a-z0-9_-]{1,40}$/, { message: 'QUEUE_PREFIX may contain a-z, 0-9, _ and - (max 40)' })
  QUEUE_PREFIX = 'kt';

  // The start command (launcher): web processes sharing PORT (node:cluster) and worker processes. Servers mode only;
  // the embedded mode runs one of each (PGlite has one database session). WEB_CONCURRENCY defaults to the number of
  // cores (os.availableParallelism()); 0 web or 0 workers make a host that runs only the other kind.
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(64)
  WEB_CONCURRENCY?: number;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(64)
  WORKER_CONCURRENCY: number = 1;

  // PostgreSQL connections per process (TypeORM's pool); a web process opens up to 4 more for sessions.
  @Type(() => Number)
  @IsInt()
  @Min(2)
  @Max(200)
  DATABASE_POOL_SIZE: number = 10;

  // Parameterised queries as named prepared statements (parsed and planned once per connection). false behind a
  // PgBouncer in transaction pooling mode older than 1.21 (or without max_prepared_statements); always off embedded.
  @IsIn(['true', 'false'], { message: 'DATABASE_PREPARED_STATEMENTS must be true or false' })
  DATABASE_PREPARED_STATEMENTS = 'true';

  // BullMQ job lock: a job of a worker process that died is taken over by another worker at most about twice this
  // long after (BullMQ's default 30 s). A live worker renews its locks every half of it; lower values take over
  // sooner but let a process whose event loop stalls that long lose its job to another one (every job claims its
  // rows, so it is not done twice; it is retried).
  @Type(() => Number)
  @IsInt()
  @Min(5)
  @Max(600)
  JOB_LOCK_SECONDS: number = 30;

  // Set by the launcher only: 'embedded' runs on PGlite + BullMQ's PostgreSQL backend + a local outbox.
  @IsOptional()
  @IsIn(['servers', 'embedded'])
  KT_MODE: 'servers' | 'embedded' = 'servers';

  /** Defaults to info (warn under NODE_ENV=test). */
  @IsOptional()
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL?: string;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  LOGIN_RATE_LIMIT: number = 10;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10000)
  REGISTRATION_RATE_LIMIT: number = 20;

  // Per account (email), across all client addresses, within 15 minutes: slows a guess spread over many addresses.
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  LOGIN_ACCOUNT_RATE_LIMIT: number = 20;

  // Per recipient address and hour, whatever client asks: password-reset, email-change confirmation and
  // invitation-notice mails (each kind counted on its own). Over it the answer stays the same and no mail goes out.
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  ADDRESS_MAIL_RATE_LIMIT: number = 3;

  // Which proxies may set X-Forwarded-For: off (default), a hop count, or a list of proxy addresses/CIDRs.
  @IsOptional()
  @IsString()
  TRUST_PROXY = 'false';

  // Demo towns and logins: seeded by the launcher in embedded mode by default; in servers mode only when true.
  @IsOptional()
  @IsIn(['true', 'false', ''], { message: 'SEED_DEMO must be true or false' })
  SEED_DEMO?: string;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(24 * 14)
  CONFIRM_TOKEN_HOURS: number = 48;

  // Finished matching runs kept per kind besides the current ones; older ones are deleted in the background.
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(100)
  MATCHING_KEEP_RUNS: number = 3;

  // Milliseconds a web process may reuse a session and its user without reading them again (0 = off). Bounds how
  // late another web process sees a logout; this process sees it at once. Default 2000 (0 under NODE_ENV=test).
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(60_000)
  SESSION_CACHE_MS?: number;
  // Signed-in pages a web process keeps per session and URL until a write commits (issue 29): megabytes per process
  // (0 = off), and the longest a kept page is reused (seconds), which bounds texts about the passing time.
  @Type(() => Number)
  @IsInt({ message: 'PAGE_CACHE_MB must be a whole number of megabytes' })
  @Min(0)
  @Max(4096)
  PAGE_CACHE_MB: number = 32;
  @Type(() => Number)
  @IsInt({ message: 'PAGE_CACHE_TTL_SECONDS must be a whole number of seconds' })
  @Min(1)
  @Max(3600)
  PAGE_CACHE_TTL_SECONDS: number = 60;
  // Compiled page templates kept in memory (Express's view cache). Without it every page compiles its template,
  // layout and partials again (the bulk of a page's CPU time); false only while editing templates (npm run start:dev).
  @IsIn(['true', 'false'], { message: 'VIEW_CACHE must be true or false' })
  VIEW_CACHE = 'true';

  // Start command and seed:demo: new passwords for the demo logins.
  @IsIn(['true', 'false'], { message: 'RESET_DEMO_PASSWORDS must be true or false' })
  RESET_DEMO_PASSWORDS = 'false';

  /** Embedded mode: the loopback port of the embedded PostgreSQL (a free one when unset). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(65535)
  EMBEDDED_PG_PORT?: number;

  /** Embedded mode: how long a statement may wait for PGlite's one session before it is refused as busy (ms). */
  @Type(() => Number)
  @IsInt()
  @Min(500)
  @Max(60_000)
  EMBEDDED_SESSION_WAIT_MS: number = 5000;

  // Password hashing (argon2id): memory in KiB and passes per hash. The defaults are argon2's own (64 MiB, 3 passes);
  // production refuses less than OWASP's minimum (19 MiB, 2 passes). The test suite lowers both (test/utils/test-env.ts):
  // every login verifies a hash, and at the defaults that costs 0.5 s of a loaded 2-core machine.
  @Type(() => Number)
  @IsInt()
  @Min(1024)
  @Max(4 * 1024 * 1024)
  PASSWORD_HASH_MEMORY_KIB: number = 65536;
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(20)
  PASSWORD_HASH_ITERATIONS: number = 3;

  /** create:office-user only: the new account's password instead of a generated one (≥ 12 characters, checked there). */
  @IsOptional()
  @IsString()
  OFFICE_PASSWORD?: string;
  @Type(() => Number)
  @IsInt()
  @Min(5)
  @Max(24 * 60)
  RESET_TOKEN_MINUTES: number = 30;

  // Operator texts for the legal pages (plain text files; paragraphs separated by blank lines).
  @IsOptional()
  @IsString()
  IMPRESSUM_FILE?: string;

  @IsOptional()
  @IsString()
  DATENSCHUTZ_FILE?: string;

  // Weekly digest: when it runs (five-field cron, read in DIGEST_TZ) and the secret that signs unsubscribe links.
  @IsString()
  @Matches(/^\S+( \S+){4}$/, { message: 'DIGEST_CRON must be a five-field cron pattern such as "0 7 * * 1" (Monday 07:00)' })
  DIGEST_CRON = '0 7 * * 1';

  @IsString()
  @Matches(/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/, { message: 'DIGEST_TZ must be an IANA time zone such as Europe/Berlin' })
  DIGEST_TZ = 'Europe/Berlin';

  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'DIGEST_UNSUBSCRIBE_SECRET must be at least 32 characters long (default: SESSION_SECRET)' })
  DIGEST_UNSUBSCRIBE_SECRET?: string;

  // A delivery left 'sending' by a crashed worker is taken again after this long (the window where one can go out twice).
  @Type(() => Number)
  @IsInt()
  @Min(5)
  @Max(24 * 3600)
  MAIL_CLAIM_TIMEOUT_SECONDS: number = 600;

  // An approved tandem that the towns never start: both towns are reminded after this many days, and it expires after
  // TANDEM_START_EXPIRY_DAYS (must be later than the reminder).
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(365)
  TANDEM_START_REMINDER_DAYS: number = 14;
  @Type(() => Number)
  @IsInt()
  @Min(2)
  @Max(730)
  TANDEM_START_EXPIRY_DAYS: number = 60;

  // The fit check (issue 23): this many weeks after a tandem's start both towns are asked "Passt das Tandem?".
  // Six weeks: long enough for a first meeting and a follow-up, early enough to re-pair within the pilot year.
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(52)
  TANDEM_FIT_CHECK_WEEKS: number = 6;

  // After the first town's result, the tandem concludes when the second arrives or after this many days (three weeks:
  // room for a vacation or a council meeting, short enough that the office's figures stay current).
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(120)
  TANDEM_RESULT_DAYS: number = 21;
  // Activity (issue 23): an active tandem without a meeting entry or a sign-in of either town for this many weeks gets a
  // friendly reminder; after a second one it counts as "ruhend". Eight weeks: partners who meet about every four to six
  // weeks (the pilot's rhythm) are never reminded; two reminders mean four months of silence before the office follows up.
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(52)
  TANDEM_SILENCE_WEEKS: number = 8;

  // A town without a sign-in or an answer for this many months is paused from suggestions and invited back by mail.
  // Four months: longer than a summer break or a budget season, shorter than the pilot year, so partners are not offered
  // a town that will not answer.
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(36)
  TOWN_DORMANT_MONTHS: number = 4;
}

export function validateEnv(raw: Record<string, unknown>): EnvironmentVariables {
  const env = plainToInstance(EnvironmentVariables, raw, { enableImplicitConversion: true, exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false, whitelist: false });
  const messages = errors.flatMap((e) => Object.values(e.constraints ?? {}).map((m) => `${e.property}: ${m}`));
  if (env.NODE_ENV === 'production' && !env.SESSION_SECRET) {
    messages.push('SESSION_SECRET: required when NODE_ENV=production (at least 32 random characters)');
  }
  if (env.NODE_ENV === 'production' && (env.PASSWORD_HASH_MEMORY_KIB < 19456 || env.PASSWORD_HASH_ITERATIONS < 2)) {
    messages.push(
      'PASSWORD_HASH_MEMORY_KIB, PASSWORD_HASH_ITERATIONS: at least 19456 KiB and 2 passes in production (OWASP minimum for argon2id)',
    );
  }
  if (parseTrustProxy(env.TRUST_PROXY) === undefined) {
    messages.push(
      'TRUST_PROXY: must be false, a number of proxy hops (1-10), or a comma-separated list of proxy addresses/CIDRs (e.g. 10.0.0.0/8, loopback); "true" would trust any client-sent X-Forwarded-For',
    );
  }
  if (!messages.some((m) => m.startsWith('DIGEST_TZ')) && !isTimeZone(env.DIGEST_TZ)) {
    messages.push(`DIGEST_TZ: unknown time zone "${env.DIGEST_TZ}" (use an IANA name such as Europe/Berlin)`);
  }
  if (env.TANDEM_START_EXPIRY_DAYS <= env.TANDEM_START_REMINDER_DAYS) {
    messages.push('TANDEM_START_EXPIRY_DAYS: must be more than TANDEM_START_REMINDER_DAYS (the reminder comes before the expiry)');
  }
  if (env.WEB_CONCURRENCY === 0 && env.WORKER_CONCURRENCY === 0) {
    messages.push('WEB_CONCURRENCY and WORKER_CONCURRENCY: at least one of them must be 1 or more (the start command would run nothing)');
  }
  if (messages.length) {
    throw new Error(`Invalid configuration:\n  - ${messages.join('\n  - ')}`);
  }
  return env;
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('de-DE', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** Express's "trust proxy" value from TRUST_PROXY; undefined when the text is not acceptable. */
export function parseTrustProxy(raw: string | undefined): false | number | string[] | undefined {
  const v = (raw ?? '').trim().toLowerCase();
  if (v === '' || v === 'false' || v === '0' || v === 'off') return false;
  if (/^\d+$/.test(v)) return Number(v) >= 1 && Number(v) <= 10 ? Number(v) : undefined;
  const parts = v
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const ok = parts.length > 0 && parts.every((p) => NAMED_RANGES.has(p) || isAddressOrCidr(p));
  return ok ? parts : undefined;
}

function isAddressOrCidr(p: string): boolean {
  const [addr, bits, extra] = p.split('/');
  const family = isIP(addr);
  if (!family || extra !== undefined) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}
