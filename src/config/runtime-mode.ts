// The one place that decides how the service runs: on configured servers, or on the embedded default.
export type RuntimeMode = 'servers' | 'embedded';

export const LOCAL_DEFAULTS = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
  REDIS_URL: 'redis://127.0.0.1:6379',
  SMTP_URL: 'smtp://127.0.0.1:1025',
};

/** Used by the launcher: neither server configured → embedded; both → servers; one alone is a mistake. */
export function chooseRuntimeMode(env: NodeJS.ProcessEnv): RuntimeMode {
  const hasDb = !!env.DATABASE_URL;
  const hasRedis = !!env.REDIS_URL;
  if (hasDb !== hasRedis) {
    throw new Error(
      'Invalid configuration:\n  - DATABASE_URL and REDIS_URL: set both (PostgreSQL + Redis) or neither (embedded default mode)',
    );
  }
  return hasDb ? 'servers' : 'embedded';
}

/** Demo towns and logins: by default only in embedded mode (a try-out); servers mode seeds only with SEED_DEMO=true. */
export function shouldSeedDemo(mode: RuntimeMode, seedDemo: string | undefined): boolean {
  return seedDemo ? seedDemo === 'true' : mode === 'embedded';
}
