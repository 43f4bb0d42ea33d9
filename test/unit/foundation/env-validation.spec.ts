import { toAppConfig } from '../../../src/config/app-config';
import { validateEnv } from '../../../src/config/env.validation';
import { chooseRuntimeMode } from '../../../src/config/runtime-mode';

describe('environment validation', () => {
  it('applies working local defaults', () => {
    const c = toAppConfig(validateEnv({}));
    expect(c).toMatchObject({ port: 3000, appUrl: 'http://localhost:3000', mode: 'servers', queueBackend: 'redis' });
    expect(c.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/postgres');
  });

  it('names every wrong variable in one message', () => {
    expect(() => validateEnv({ PORT: '70000', APP_URL: 'localhost', DATABASE_URL: 'mysql://x' })).toThrow(
      /PORT: PORT must not be greater than 65535[\s\S]*APP_URL must be an absolute http\(s\) URL[\s\S]*DATABASE_URL must look like postgres/,
    );
  });

  it('requires SESSION_SECRET in production, and a long one', () => {
    expect(() => validateEnv({ NODE_ENV: 'production' })).toThrow(/SESSION_SECRET: required when NODE_ENV=production/);
    expect(() => validateEnv({ NODE_ENV: 'production', SESSION_SECRET: 'short' })).toThrow(/at least 32 characters/);
    expect(toAppConfig(validateEnv({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40) })).sessionSecret).toBe('x'.repeat(40));
  });

  it('embedded mode uses the PostgreSQL queue backend and the outbox', () => {
    const c = toAppConfig(validateEnv({ KT_MODE: 'embedded', DATABASE_URL: 'postgres://postgres@127.0.0.1:5499/postgres' }));
    expect(c).toMatchObject({ mode: 'embedded', queueBackend: 'postgres', redisUrl: null, mailTransport: { kind: 'outbox' } });
  });

  it('keeps compiled page templates by default, in every NODE_ENV; only VIEW_CACHE=false turns that off', () => {
    for (const NODE_ENV of ['development', 'test', 'production'])
      expect(toAppConfig(validateEnv({ NODE_ENV, SESSION_SECRET: 'x'.repeat(40) })).viewCache).toBe(true);
    expect(toAppConfig(validateEnv({ VIEW_CACHE: 'false' })).viewCache).toBe(false);
    expect(() => validateEnv({ VIEW_CACHE: 'off' })).toThrow(/VIEW_CACHE must be true or false/);
  });

  it('chooses the mode from which servers are configured', () => {
    expect(chooseRuntimeMode({})).toBe('embedded');
    expect(chooseRuntimeMode({ DATABASE_URL: 'postgres://a/b', REDIS_URL: 'redis://c' })).toBe('servers');
    expect(() => chooseRuntimeMode({ DATABASE_URL: 'postgres://a/b' })).toThrow(/set both/);
  });
});

describe('settings outside the web app (start command, scripts)', () => {
  it('validates and types them in the same place', () => {
    const c = toAppConfig(validateEnv({ PORT: '4000', HOST: '127.0.0.1', SEED_DEMO: 'false', EMBEDDED_PG_PORT: '5499', NODE_ENV: 'test' }));
    expect(c).toMatchObject({
      appUrl: 'http://localhost:4000',
      host: '127.0.0.1',
      seedDemo: false,
      resetDemoPasswords: false,
      embeddedPgPort: 5499,
      logLevel: 'warn',
    });
    expect(() => validateEnv({ SEED_DEMO: 'no', EMBEDDED_PG_PORT: 'x' })).toThrow(/SEED_DEMO must be true or false[\s\S]*EMBEDDED_PG_PORT/);
  });
});
