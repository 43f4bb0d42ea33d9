import { Queue } from 'bullmq';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { openDataSource } from '../../src/database/data-source';
import { withCommands } from '../../src/commands/run-command';
import { DemoSeedService } from '../../src/commands/seeds/demo-seed.service';
import { DEMO_MAYOR_EMAIL, DEMO_OFFICE_EMAIL } from '../../src/commands/seeds/demo-logins.util';
import { bootApp, TestApp } from '../utils/boot-app';
import { waitFor } from '../utils/wait-for';
import { TEST_REDIS_URL } from '../utils/test-env';

describe('matching through the queue (real PostgreSQL and Redis, seeded demo towns)', () => {
  let t: TestApp;
  let ds: DataSource;
  let office: ReturnType<typeof request.agent>;
  let mayor: ReturnType<typeof request.agent>;
  let seelowId: string;

  const waitDone = (runId: string) =>
    waitFor(
      async () => {
        const r = await office.get(`/api/matching/runs/${runId}`).expect(200);
        return r.body.status !== 'running' && r.body;
      },
      { timeoutMs: 60_000, intervalMs: 100, what: `matching run ${runId} to finish` },
    );

  beforeAll(async () => {
    t = await bootApp('matching');
    ds = await openDataSource(t.databaseUrl);
    const seed = await withCommands((c) => c.get(DemoSeedService).seed());
    office = request.agent(t.url);
    await office.post('/api/auth/login').send({ email: DEMO_OFFICE_EMAIL, password: seed.logins[0].password }).expect(200);
    mayor = request.agent(t.url);
    const me = await mayor.post('/api/auth/login').send({ email: DEMO_MAYOR_EMAIL, password: seed.logins[1].password }).expect(200);
    seelowId = me.body.townId;
  });
  afterAll(async () => {
    await ds?.destroy();
    await t?.close();
  });

  it('computes suggestions in the worker and explains them via the API', async () => {
    const start = await office.post('/api/matching/runs').send({ kind: 'suggestions' }).expect(202);
    const run = await waitDone(start.body.runId);
    expect(run).toMatchObject({ status: 'done', isCurrent: true, summary: { towns: 28, uncovered: [] } });
    expect(run.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(run.weights.complement).toBe(0.35);

    const s = await mayor.get(`/api/towns/${seelowId}/suggestions`).expect(200);
    expect(s.body.suggestions).toHaveLength(10);
    const first = s.body.suggestions[0];
    expect(first.partner.id).not.toBe(seelowId);
    expect(first.reasons.length).toBeGreaterThan(10);
    // Issue 30: the same reasons as a list, strongest first, each with its share of the score (adding up to 100).
    const items = first.reasonList.items as { text: string; percent: number }[];
    expect(items.map((i) => i.text).join(' · ')).toBe(first.reasons);
    expect(items.reduce((a, i) => a + i.percent, 0)).toBe(100);
    expect(items.map((i) => i.percent)).toEqual([...items.map((i) => i.percent)].sort((a, b) => b - a));
    expect(first.reasonList.topic).toBe(first.topic?.name ?? null);
    const sum = first.components.reduce((a: number, c: { value: number }) => a + c.value, 0);
    expect(sum).toBeCloseTo(first.score, 9);
    expect(s.body.suggestions.map((x: { score: number }) => x.score)).toEqual(
      [...s.body.suggestions.map((x: { score: number }) => x.score)].sort((a, b) => b - a),
    );
    // Other towns' suggestions are not for this mayor.
    const other = s.body.suggestions[0].partner.id;
    await mayor.get(`/api/towns/${other}/suggestions`).expect(403);
  });

  it('a new run replaces the previous one whole, and never two at once', async () => {
    await ds.query(`INSERT INTO matching_run (kind, trigger, weights, seed) VALUES ('suggestions', 'test', '{}', 1)`);
    const busy = await office.post('/api/matching/runs').send({ kind: 'suggestions' }).expect(409);
    expect(busy.body.message).toMatch(/already in progress/);
    await ds.query(`DELETE FROM matching_run WHERE trigger = 'test'`);
    const before = await ds.query(`SELECT id FROM matching_run WHERE kind = 'suggestions' AND is_current`);
    const run = await waitDone((await office.post('/api/matching/runs').send({ kind: 'suggestions' }).expect(202)).body.runId);
    const current = await ds.query(`SELECT id FROM matching_run WHERE kind = 'suggestions' AND is_current`);
    expect(current).toEqual([{ id: run.id }]);
    expect(current[0].id).not.toBe(before[0].id);
    const [n] = await ds.query(
      `SELECT count(*)::int AS n FROM matching_suggestion s JOIN matching_run r ON r.id = s.run_id WHERE r.is_current`,
    );
    expect(n.n).toBe(280);
  });

  it('runs an exact tandem round and proposes workshop groups; bad input is refused', async () => {
    const round = await waitDone((await office.post('/api/matching/runs').send({ kind: 'tandem_round' }).expect(202)).body.runId);
    expect(round.status).toBe('done');
    const used = new Map<string, number>();
    for (const p of round.pairs) for (const id of [p.townA, p.townB]) used.set(id, (used.get(id) ?? 0) + 1);
    const caps = new Map(
      (await ds.query(`SELECT id, capacity FROM town`)).map((r: { id: string; capacity: number }) => [r.id, r.capacity]),
    );
    for (const [id, n] of used) expect(n).toBeLessThanOrEqual(caps.get(id) as number);
    expect(round.pairs.length).toBeGreaterThan(5);
    expect(round.summary.totalScore).toBeCloseTo(
      round.pairs.reduce((a: number, p: { score: number }) => a + p.score, 0),
      6,
    );

    const ws = await waitDone((await office.post('/api/matching/workshops').send({ theme: 'leerstand', seed: 7 }).expect(202)).body.runId);
    expect(ws.status).toBe('done');
    expect(ws.seed).toBe(7);
    for (const g of ws.groups) {
      expect(g.towns.length).toBeGreaterThanOrEqual(4);
      expect(g.towns.length).toBeLessThanOrEqual(6);
      expect(new Set(g.towns.map((x: { stateName: string }) => x.stateName)).size).toBe(g.towns.length);
    }
    await office.post('/api/matching/workshops').send({ theme: 'raumfahrt' }).expect(400);
    await office.put('/api/matching/weights').send({ complement: 3 }).expect(400);
    await mayor.post('/api/matching/runs').send({ kind: 'tandem_round' }).expect(403);
    const w = await office.put('/api/matching/weights').send({ otherState: 0.3 }).expect(200);
    expect(w.body).toMatchObject({ otherState: 0.3, complement: 0.35 });
  });

  it("names each pair's topic, explains the round to the office in the third person, and keeps a full town out of others' lists (issue 11)", async () => {
    const round = await waitDone((await office.post('/api/matching/runs').send({ kind: 'tandem_round' }).expect(202)).body.runId);
    for (const p of round.pairs) {
      expect(p.topic).toEqual(expect.any(String));
      expect(p.reasons).not.toMatch(/\bIhr|\bIhre|\bderen\b/);
      expect(p.reasons.includes(p.nameA) || p.reasons.includes(p.nameB)).toBe(true);
    }
    const page = await office.get('/geschaeftsstelle/matching').expect(200);
    expect(page.text).toContain('Tandem-Thema');
    expect(page.text).not.toMatch(/Ihr Thema/);
    // The round's rows are rendered once per done run; every form on the page, theirs too, carries this view's one token.
    const again = await office.get('/geschaeftsstelle/matching').expect(200);
    for (const view of [page, again]) {
      const tokens = [...view.text.matchAll(/name="_csrf" value="([^"]+)"/g)].map((m) => m[1]);
      expect(tokens.length).toBeGreaterThan(round.pairs.length);
      expect(new Set(tokens).size).toBe(1);
      expect(view.text).toContain(`an ${round.pairs[0].nameA} und ${round.pairs[0].nameB}`);
    }

    await ds.query(`UPDATE town SET capacity = 0 WHERE id = $1`, [seelowId]);
    try {
      await waitDone((await office.post('/api/matching/runs').send({ kind: 'suggestions' }).expect(202)).body.runId);
      const [listed] = await ds.query(
        `SELECT count(*)::int AS n FROM matching_suggestion s JOIN matching_run r ON r.id = s.run_id WHERE r.is_current AND s.partner_id = $1`,
        [seelowId],
      );
      expect(listed.n).toBe(0);
      const own = await mayor.get(`/api/towns/${seelowId}/suggestions`).expect(200);
      expect(own.body.full).toBe(true);
      for (const x of own.body.suggestions) expect(x.topic).toEqual({ slug: expect.any(String), name: expect.any(String) });
      const html = await mayor.get('/vorschlaege').expect(200);
      expect(html.text).toContain('keine freie Tandem-Kapazität');
    } finally {
      await ds.query(`UPDATE town SET capacity = 1 WHERE id = $1`, [seelowId]);
    }

    await office.put('/api/matching/weights').send({ requireTopicalBasis: 'ja' }).expect(400);
    const off = await office.put('/api/matching/weights').send({ requireTopicalBasis: false }).expect(200);
    expect(off.body.requireTopicalBasis).toBe(false);
    const on = await office.put('/api/matching/weights').send({ requireTopicalBasis: true }).expect(200);
    expect(on.body.requireTopicalBasis).toBe(true);
  });

  it('a profile change schedules one debounced recomputation', async () => {
    const profile = {
      topics: ['leerstand'],
      challenges: [],
      experiences: [],
      description: 'Kreisstadt an der Oder. (Demodaten)',
      capacity: 1,
    };
    await mayor.put(`/api/towns/${seelowId}/profile`).send(profile).expect(200);
    await mayor.put(`/api/towns/${seelowId}/profile`).send(profile).expect(200);
    const q = new Queue('matching', { connection: { url: TEST_REDIS_URL }, prefix: process.env.QUEUE_PREFIX });
    const delayed = await q.getDelayed();
    await q.close();
    expect(delayed.filter((j) => j.name === 'recompute-matches' && j.data.trigger === 'profile')).toHaveLength(1);
  });
});
