import request from 'supertest';
import { DataSource } from 'typeorm';
import { hashPassword } from '../../src/auth/password.util';
import { TEST_PASSWORD_HASH } from '../utils/test-env';
import { MatchingRepository } from '../../src/matching/matching.repository';
import type { RunKind } from '../../src/matching/matching.read-models';
import { MatchingService } from '../../src/matching/matching.service';
import { MatchingRunner } from '../../src/matching/runs/matching-runner.service';
import { ROUND_PAGE_SIZE } from '../../src/matching/matching.view-model';
import { createOfficeUser } from '../factories/directory.factory';
import { insertNetwork } from '../factories/network.factory';
import { bootApp, TestApp } from '../utils/boot-app';
import { waitFor } from '../utils/wait-for';

const TOWNS = 500;
const PASSWORD = 'Sicheres-Passwort-2024';

interface PlanNode {
  'Node Type': string;
  'Actual Rows': number;
  'Actual Loops': number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}
/** Rows the executor read from tables and indexes: what each scan returned plus what its filter threw away. */
const rowsRead = (n: PlanNode): number =>
  (/Scan/.test(n['Node Type'])
    ? (n['Actual Rows'] + (n['Rows Removed by Filter'] ?? 0) + (n['Rows Removed by Index Recheck'] ?? 0)) * n['Actual Loops']
    : 0) + (n.Plans ?? []).reduce((a, p) => a + rowsRead(p), 0);

describe('matching at network scale: one town read by index, old runs pruned in batches', () => {
  let t: TestApp;
  let towns: string[];
  let mayor: ReturnType<typeof request.agent>;
  let office: ReturnType<typeof request.agent>;
  let run: (kind: RunKind, opts?: { theme?: string; seed?: number }) => Promise<string>;

  beforeAll(async () => {
    t = await bootApp('matchingscale', { MATCHING_KEEP_RUNS: '1' });
    towns = await insertNetwork(t.db, TOWNS);
    const hash = await hashPassword(PASSWORD, TEST_PASSWORD_HASH);
    await createOfficeUser(t.db, 'office@scale.test', hash);
    await t.db.query(
      `INSERT INTO user_account (email, password_hash, role, display_name, town_id, contact_function, email_confirmed_at)
       VALUES ('mayor@scale.test', $1, 'town_contact', 'Bürgermeisterin Test', $2, 'mayor', now())`,
      [hash, towns[0]],
    );
    mayor = request.agent(t.url);
    await mayor.post('/api/auth/login').send({ email: 'mayor@scale.test', password: PASSWORD }).expect(200);
    office = request.agent(t.url);
    await office.post('/api/auth/login').send({ email: 'office@scale.test', password: PASSWORD }).expect(200);
    // Runs computed by the worker's runner directly (the queue path is covered by matching.e2e-spec.ts); each one
    // still queues the prune job, which the worker processes.
    const matching = t.worker.get(MatchingService);
    const runner = t.worker.get(MatchingRunner);
    run = async (kind, opts = {}) => {
      const id = await matching.startRunRow(kind, 'test', opts);
      await runner.execute(id);
      return id;
    };
    await run('suggestions');
    await t.db.query(`ANALYZE matching_suggestion`);
  }, 180_000);
  afterAll(async () => {
    await t?.close();
  });

  it(`reads a town's suggestions with index lookups: a handful of queries and rows, not the ${TOWNS} towns`, async () => {
    const ds = t.app.get(DataSource);
    const seen: { sql: string; params: unknown[] }[] = [];
    const logQuery = ds.logger.logQuery.bind(ds.logger);
    ds.logger.logQuery = (sql: string, params?: unknown[]) => void seen.push({ sql, params: params ?? [] });
    let body: { suggestions: { partner: { id: string } }[]; profileEmpty: boolean };
    try {
      body = (await mayor.get(`/api/towns/${towns[0]}/suggestions`).expect(200)).body;
    } finally {
      ds.logger.logQuery = logQuery;
    }
    expect(body.suggestions).toHaveLength(10);
    expect(body.profileEmpty).toBe(false);
    // The session's user (and its account state), the current run's id, the town's own profile and its suggestions.
    expect(seen.length).toBeLessThanOrEqual(5);
    let read = 0;
    for (const q of seen) {
      const { rows } = await t.db.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${q.sql}`, q.params);
      read += rowsRead(rows[0]['QUERY PLAN'][0].Plan);
    }
    // 10 suggestions with their partners' directory rows, the run row, the own town and its profile: well under 200.
    // Loading the network (the old path) reads every verified town and its profile rows.
    expect(read).toBeGreaterThan(10);
    expect(read).toBeLessThan(200);

    // The run is done and its lists never change: a second request answers the same without reading the list again.
    const again: string[] = [];
    ds.logger.logQuery = (sql: string) => void again.push(sql);
    try {
      expect((await mayor.get(`/api/towns/${towns[0]}/suggestions`).expect(200)).body).toEqual(body);
    } finally {
      ds.logger.logQuery = logQuery;
    }
    expect(seen.filter((sql) => sql.sql.includes('matching_suggestion'))).toHaveLength(1);
    expect(again.filter((sql) => sql.includes('matching_suggestion'))).toEqual([]);
  });

  it('the office page shows the round one page at a time', async () => {
    const roundId = await run('tandem_round');
    const pairs = (await t.db.query(`SELECT count(*)::int AS n FROM tandem_round_pair WHERE run_id = $1`, [roundId])).rows[0].n;
    expect(pairs).toBeGreaterThan(2 * ROUND_PAGE_SIZE);
    const first = await office.get('/geschaeftsstelle/matching').expect(200);
    expect(first.text.match(/<tr><td data-label="Kommune">Teststadt/g)).toHaveLength(ROUND_PAGE_SIZE);
    expect(first.text).toContain(`Tandems 1–${ROUND_PAGE_SIZE} von ${pairs}`);
    const last = Math.ceil(pairs / ROUND_PAGE_SIZE);
    const end = await office.get(`/geschaeftsstelle/matching?seite=${last}`).expect(200);
    expect(end.text.match(/<tr><td data-label="Kommune">Teststadt/g)).toHaveLength(pairs - (last - 1) * ROUND_PAGE_SIZE);
    // The API still has the whole round.
    expect((await office.get(`/api/matching/runs/${roundId}`).expect(200)).body.pairs).toHaveLength(pairs);
  });

  it('keeps the current run and the newest MATCHING_KEEP_RUNS=1 others per kind, deleting the rest in batches', async () => {
    // On the prototype: other worker modules (tandems) hold their own MatchingRepository instance.
    const deletes = jest.spyOn(MatchingRepository.prototype, 'deleteRunRows');
    const current = async (kind: RunKind) =>
      (await t.db.query(`SELECT id FROM matching_run WHERE kind = $1 AND is_current`, [kind])).rows.map((r) => r.id);
    const suggestions = [...(await current('suggestions'))];
    for (let i = 0; i < 3; i++) suggestions.push(await run('suggestions'));
    const rounds = [...(await current('tandem_round')), await run('tandem_round')];
    const leerstand = [
      await run('workshops', { theme: 'leerstand', seed: 1 }),
      await run('workshops', { theme: 'leerstand', seed: 2 }),
      await run('workshops', { theme: 'leerstand', seed: 3 }),
    ];
    const mobility = await run('workshops', { theme: 'mobilitaet', seed: 1 });

    const keep = [suggestions[2], suggestions[3], rounds[0], rounds[1], leerstand[1], leerstand[2], mobility].sort();
    const runs = async () => (await t.db.query(`SELECT id FROM matching_run ORDER BY id`)).rows.map((r) => r.id);
    await waitFor(async () => (await runs()).length <= keep.length, { timeoutMs: 120_000, intervalMs: 100, what: 'pruning of old runs' });
    expect(await runs()).toEqual(keep);

    const runIdsIn = async (table: string) =>
      (await t.db.query(`SELECT DISTINCT run_id FROM ${table} ORDER BY run_id`)).rows.map((r) => r.run_id);
    expect(await runIdsIn('matching_suggestion')).toEqual([suggestions[2], suggestions[3]].sort());
    expect(await runIdsIn('tandem_round_pair')).toEqual([...rounds].sort());
    expect(await runIdsIn('workshop_proposal')).toEqual([leerstand[1], leerstand[2], mobility].sort());
    // The current runs are whole: about 10 suggestions per town.
    const kept = (await t.db.query(`SELECT count(*)::int AS n FROM matching_suggestion WHERE run_id = $1`, [suggestions[3]])).rows[0].n;
    expect(kept).toBeGreaterThan(TOWNS * 9);
    // ~5,000 rows per old suggestions run went in several bounded statements (2,000 rows each), not one.
    const batchesOfFirst = deletes.mock.calls.filter(
      ([table, runId]) => table === 'matching_suggestion' && runId === suggestions[0],
    ).length;
    expect(batchesOfFirst).toBeGreaterThan(2);
    deletes.mockRestore();
    // The page reads the current round still.
    await office.get('/geschaeftsstelle/matching').expect(200);
  }, 300_000);
});
