import request from 'supertest';
import { DataSource } from 'typeorm';
import { withCommands } from '../../src/commands/run-command';
import { openDataSource } from '../../src/database/data-source';
import { DEMO_MAYOR_EMAIL, DEMO_OFFICE_EMAIL } from '../../src/database/seeds/demo-logins.util';
import { DemoSeedService } from '../../src/database/seeds/demo-seed.service';
import { computeMatching, contactOf } from '../factories/tandems.factory';
import { bootApp, MODES, TestApp } from '../utils/boot-app';

type Agent = ReturnType<typeof request.agent>;

// Issue 23: a slot is held by an open or active tandem only; suggestions, the request check and the round agree.
describe.each(MODES)('capacity counts only open and active tandems (%s mode)', (mode) => {
  let t: TestApp;
  let ds: DataSource;
  let office: Agent;
  let seelow: Agent;
  let seelowId: string;

  const suggestionsOfSeelow = async () => (await seelow.get(`/api/towns/${seelowId}/suggestions`).expect(200)).body;
  const roundOutcomeOfSeelow = async () => {
    const [run] = await ds.query(`SELECT summary FROM matching_run WHERE kind = 'tandem_round' AND is_current`);
    const pairs = await ds.query(
      `SELECT p.town_a AS a, p.town_b AS b FROM tandem_round_pair p JOIN matching_run r ON r.id = p.run_id WHERE r.is_current AND r.kind = 'tandem_round'`,
    );
    const unmatched = (run.summary.unmatched as { townId: string; reason: string }[]).find((u) => u.townId === seelowId);
    return { paired: pairs.some((p: { a: string; b: string }) => p.a === seelowId || p.b === seelowId), reason: unmatched?.reason ?? null };
  };

  beforeAll(async () => {
    t = await bootApp('tandem_capacity', {}, { mode });
    ds = await openDataSource(t.databaseUrl);
    const seed = await withCommands((c) => c.get(DemoSeedService).seed());
    office = request.agent(t.url);
    await office.post('/api/auth/login').send({ email: DEMO_OFFICE_EMAIL, password: seed.logins[0].password }).expect(200);
    seelow = request.agent(t.url);
    seelowId = (await seelow.post('/api/auth/login').send({ email: DEMO_MAYOR_EMAIL, password: seed.logins[1].password }).expect(200)).body
      .townId;
    await ds.query(`UPDATE town SET capacity = 1 WHERE id = $1`, [seelowId]);
    await computeMatching(t, ['suggestions']);
  });
  afterAll(async () => {
    await ds?.destroy();
    await t?.close();
  });

  it('an open request takes the one slot everywhere; a concluded tandem gives it back everywhere', async () => {
    const before = await suggestionsOfSeelow();
    expect(before.full).toBe(false);
    const [first, second] = before.suggestions.map((s: { partner: { id: string } }) => s.partner.id);
    expect(second).toBeDefined();

    const created = await seelow.post('/api/tandems').send({ partnerTownId: first }).expect(201);
    const tandemId = created.body.id;
    await computeMatching(t, ['suggestions', 'tandem_round']);
    // The open request holds the slot: the page says so, a second request is refused, the round leaves Seelow out.
    expect((await suggestionsOfSeelow()).full).toBe(true);
    const refused = await seelow.post('/api/tandems').send({ partnerTownId: second }).expect(409);
    expect(refused.body.error).toBe('at_capacity');
    expect(await roundOutcomeOfSeelow()).toEqual({ paired: false, reason: 'no_capacity' });

    // Through to concluded: accepted by the partner, approved, started, concluded.
    const partner = await contactOf(t, ds, first, 'bgm@kapazitaet.test');
    await partner.agent.post(`/api/tandems/${tandemId}/accept`).send({}).expect(200);
    await office.post(`/api/tandems/${tandemId}/approve`).send({}).expect(200);
    await seelow.post(`/api/tandems/${tandemId}/start`).send({}).expect(200);
    await seelow
      .post(`/api/tandems/${tandemId}/conclude`)
      .send({ tried: 'Leerstandskataster gemeinsam aufgebaut', learnt: 'Eigentümer früh ansprechen', topics: [] })
      .expect(200);
    const [row] = await ds.query(`SELECT state FROM tandem WHERE id = $1`, [tandemId]);
    expect(row.state).toBe('concluded');

    // Concluded: the slot is free again in the suggestions, the round and the request check.
    await computeMatching(t, ['suggestions', 'tandem_round']);
    expect((await suggestionsOfSeelow()).full).toBe(false);
    expect((await roundOutcomeOfSeelow()).reason).not.toBe('no_capacity');
    await seelow.post('/api/tandems').send({ partnerTownId: second }).expect(201);
  });
});
