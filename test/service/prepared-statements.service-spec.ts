import { DataSource, type QueryRunner } from 'typeorm';
import { toAppConfig } from '../../src/config/app-config';
import { validateEnv } from '../../src/config/env.validation';
import { dataSourceOptions } from '../../src/database/data-source';
import { MAX_PER_CONNECTION } from '../../src/database/prepared-statements';
import { queryRows } from '../../src/database/typed-query.util';
import { createTestDatabase } from '../utils/test-database';

// Issue 29: parameterised queries run as named prepared statements on PostgreSQL (parsed and planned once per
// connection); scripts and everything unparameterised keep the simple protocol.
describe('named prepared statements (servers mode, real PostgreSQL)', () => {
  let ds: DataSource;

  beforeAll(async () => {
    ds = await new DataSource(dataSourceOptions(await createTestDatabase('prepared_statements'), 2, true)).initialize();
  });
  afterAll(() => ds?.destroy());

  /** One pooled connection for the whole test: prepared statements belong to a connection. */
  async function onOneConnection(fn: (runner: QueryRunner) => Promise<void>): Promise<void> {
    const runner = ds.createQueryRunner();
    try {
      await fn(runner);
    } finally {
      await runner.release();
    }
  }

  const preparedOn = async (run: { query(sql: string): Promise<unknown> }) =>
    (await run.query(`SELECT name, statement FROM pg_prepared_statements ORDER BY prepare_time`)) as { name: string; statement: string }[];

  it('prepares a parameterised query once per connection and answers it the same every time', async () => {
    await onOneConnection(async (runner) => {
      const sql = `SELECT name FROM topic WHERE slug = $1`;
      const first = (await runner.query(sql, ['leerstand'])) as { name: string }[];
      const again = (await runner.query(sql, ['leerstand'])) as { name: string }[];
      expect(first).toEqual([{ name: expect.any(String) }]);
      expect(again).toEqual(first);
      const prepared = (await preparedOn(runner)).filter((p) => p.statement === sql);
      expect(prepared).toHaveLength(1);
      expect(prepared[0].name).toMatch(/^kt_[0-9a-f]{24}$/);
    });
  });

  it('names a single statement read through queryRows even without parameters', async () => {
    await onOneConnection(async (runner) => {
      const sql = `SELECT count(*)::int AS n FROM topic WHERE active`;
      const [{ n }] = await queryRows<{ n: number }>(runner, sql);
      expect(n).toBeGreaterThan(0);
      expect((await preparedOn(runner)).filter((p) => p.statement === sql)).toHaveLength(1);
    });
  });

  it('keeps the simple protocol for SQL sent without a parameter list (multi-statement scripts), and survives a refused value', async () => {
    await onOneConnection(async (runner) => {
      const before = (await preparedOn(runner)).length;
      await runner.query(`CREATE TEMP TABLE ps_probe (n int); INSERT INTO ps_probe VALUES (1), (2)`);
      expect(await runner.query(`SELECT count(*)::int AS n FROM ps_probe`)).toEqual([{ n: 2 }]);
      // A value PostgreSQL refuses at bind time: the statement stays prepared and the next use answers.
      const sql = `SELECT count(*)::int AS n FROM town WHERE id = $1`;
      await expect(runner.query(sql, ['not-a-uuid'])).rejects.toThrow(/invalid input syntax for type uuid/);
      expect(await runner.query(sql, ['00000000-0000-4000-8000-000000000000'])).toEqual([{ n: 0 }]);
      expect((await preparedOn(runner)).length).toBe(before + 1);
    });
  });

  it('names at most MAX_PER_CONNECTION distinct texts on a connection; the rest run unnamed with the right answers', async () => {
    await onOneConnection(async (runner) => {
      const already = (await preparedOn(runner)).length;
      for (let i = 0; i < MAX_PER_CONNECTION + 5; i++) {
        expect(await runner.query(`SELECT $1::int + ${i} AS n`, [1])).toEqual([{ n: 1 + i }]);
      }
      expect((await preparedOn(runner)).length).toBe(MAX_PER_CONNECTION);
      expect(already).toBeLessThan(MAX_PER_CONNECTION);
    });
  });

  it('is on in servers mode unless DATABASE_PREPARED_STATEMENTS=false, and always off embedded (one shared PGlite session)', () => {
    expect(toAppConfig(validateEnv({})).preparedStatements).toBe(true);
    expect(toAppConfig(validateEnv({ DATABASE_PREPARED_STATEMENTS: 'false' })).preparedStatements).toBe(false);
    expect(toAppConfig(validateEnv({ KT_MODE: 'embedded' })).preparedStatements).toBe(false);
    expect(() => validateEnv({ DATABASE_PREPARED_STATEMENTS: 'yes' })).toThrow(/DATABASE_PREPARED_STATEMENTS must be true or false/);
  });
});
