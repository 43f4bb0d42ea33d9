import { processPlan, toAppConfig } from '../../../src/config/app-config';
import { validateEnv } from '../../../src/config/env.validation';
import { connectionBudgetWarning, processesLine } from '../../../src/config/start-banner.util';
import { restartDelayMs } from '../../../src/process-supervisor';

// Issue 29: how many web and worker processes the start command runs, validated in src/config like every setting.
describe('processes of the start command', () => {
  const plan = (env: Record<string, string>, cores = 4) => processPlan(validateEnv(env), env.KT_MODE === 'embedded', cores);

  it('servers: web processes default to the cores, one worker; both as configured', () => {
    expect(plan({})).toEqual({ web: 4, workers: 1, webSource: 'cores', ignored: [] });
    expect(plan({ WEB_CONCURRENCY: '2', WORKER_CONCURRENCY: '3' })).toEqual({ web: 2, workers: 3, webSource: 'env', ignored: [] });
    expect(plan({ WEB_CONCURRENCY: '0' })).toMatchObject({ web: 0, workers: 1 }); // a worker-only host
    expect(plan({ WORKER_CONCURRENCY: '0' })).toMatchObject({ web: 4, workers: 0 }); // a web-only host
  });

  it('embedded: one of each whatever is asked, and the start log says what was ignored', () => {
    const p = plan({ KT_MODE: 'embedded', WEB_CONCURRENCY: '4', WORKER_CONCURRENCY: '2' });
    expect(p).toEqual({ web: 1, workers: 1, webSource: 'embedded', ignored: ['WEB_CONCURRENCY=4', 'WORKER_CONCURRENCY=2'] });
    expect(processesLine(p)).toBe(
      'Processes: 1 web and 1 worker (embedded mode: PGlite has one database session; WEB_CONCURRENCY=4 and WORKER_CONCURRENCY=2 ignored).',
    );
    expect(processesLine(plan({ KT_MODE: 'embedded' }))).toBe(
      'Processes: 1 web and 1 worker (embedded mode: PGlite has one database session).',
    );
  });

  it('says where the numbers come from', () => {
    expect(processesLine(plan({}, 2))).toBe(
      'Processes: 2 web (one per core; WEB_CONCURRENCY sets another number; one port, shared through node:cluster) and 1 worker.',
    );
    expect(processesLine(plan({ WEB_CONCURRENCY: '1', WORKER_CONCURRENCY: '3' }))).toBe(
      'Processes: 1 web (WEB_CONCURRENCY) and 3 workers.',
    );
    expect(processesLine(plan({ WEB_CONCURRENCY: '0' }))).toBe('Processes: no web process (WEB_CONCURRENCY=0) and 1 worker.');
  });

  it('refuses numbers that are not counts, and nothing to run at all', () => {
    expect(() => validateEnv({ WEB_CONCURRENCY: 'many', WORKER_CONCURRENCY: '-1' })).toThrow(
      /WEB_CONCURRENCY: WEB_CONCURRENCY must be an integer number[\s\S]*WORKER_CONCURRENCY: WORKER_CONCURRENCY must not be less than 0/,
    );
    expect(() => validateEnv({ WEB_CONCURRENCY: '65' })).toThrow(/WEB_CONCURRENCY must not be greater than 64/);
    expect(() => validateEnv({ WEB_CONCURRENCY: '0', WORKER_CONCURRENCY: '0' })).toThrow(/at least one of them must be 1 or more/);
  });

  it('pool size and job lock: defaults, bounds', () => {
    expect(toAppConfig(validateEnv({}))).toMatchObject({ databasePoolSize: 10, jobLockMs: 30_000 });
    expect(toAppConfig(validateEnv({ DATABASE_POOL_SIZE: '4', JOB_LOCK_SECONDS: '10' }))).toMatchObject({
      databasePoolSize: 4,
      jobLockMs: 10_000,
    });
    expect(() => validateEnv({ DATABASE_POOL_SIZE: '1', JOB_LOCK_SECONDS: '1' })).toThrow(
      /DATABASE_POOL_SIZE must not be less than 2[\s\S]*JOB_LOCK_SECONDS must not be less than 5/,
    );
  });

  it('a process that keeps dying is started again after 1 s, 2 s, 4 s … at most 30 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map(restartDelayMs)).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });

  it('warns when this host alone could open more PostgreSQL connections than the server allows', () => {
    const p = plan({ WEB_CONCURRENCY: '8', WORKER_CONCURRENCY: '2' });
    expect(connectionBudgetWarning(p, 10, 100, 3)).toBe(
      'WARNING: 8 web and 2 worker processes may open 132 PostgreSQL connections (8 × (DATABASE_POOL_SIZE 10 + 4 for sessions) + 2 × 10), ' +
        'but the server allows 97 (max_connections 100 less 3 reserved). Lower WEB_CONCURRENCY or DATABASE_POOL_SIZE, or raise max_connections (docs/operations.md).',
    );
    expect(connectionBudgetWarning(p, 5, 100, 3)).toBeNull(); // 8 × 9 + 2 × 5 = 82
  });
});
