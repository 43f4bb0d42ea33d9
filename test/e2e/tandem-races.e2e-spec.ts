import request from 'supertest';
import { DataSource } from 'typeorm';
import { openDataSource } from '../../src/database/data-source';
import { withCommands } from '../../src/commands/run-command';
import { DemoSeedService } from '../../src/commands/seeds/demo-seed.service';
import { DEMO_MAYOR_EMAIL, DEMO_OFFICE_EMAIL } from '../../src/commands/seeds/demo-logins.util';
import { MailService } from '../../src/mail/mail.service';
import { bootApp, MODES, TestApp } from '../utils/boot-app';
import { mailsSettled, mailsTo as mailsToOf, queueOf } from '../utils/outbox';
import { computeMatching, contactOf, townIdByName } from '../factories/tandems.factory';

type Agent = ReturnType<typeof request.agent>;

describe.each(MODES)('tandem races and bad input (parallel requests against the running app; %s mode)', (mode) => {
  let t: TestApp;
  let ds: DataSource;
  let office: Agent;
  let seelow: Agent;
  let seelowId: string;
  const towns: Record<string, string> = {};
  const contacts: Record<string, { agent: Agent; email: string; userId: string }> = {};

  const settled = () => mailsSettled(ds, t.smtp);
  const mailsTo = (email: string, subject?: RegExp) => mailsToOf(t.smtp, email, subject);
  const statuses = (rs: { status: number }[]) => rs.map((r) => r.status).sort();
  beforeAll(async () => {
    t = await bootApp('tandemraces', {}, { mode });
    ds = await openDataSource(t.databaseUrl);
    const seed = await withCommands((c) => c.get(DemoSeedService).seed());
    await computeMatching(t);
    office = request.agent(t.url);
    await office.post('/api/auth/login').send({ email: DEMO_OFFICE_EMAIL, password: seed.logins[0].password }).expect(200);
    seelow = request.agent(t.url);
    seelowId = (await seelow.post('/api/auth/login').send({ email: DEMO_MAYOR_EMAIL, password: seed.logins[1].password }).expect(200)).body
      .townId;
    // Every town gets room for several tandems, so only the rule a test aims at can refuse.
    await ds.query(`UPDATE town SET capacity = 5`);
    for (const name of ['Penkun', 'Stadtroda', 'Eilenburg', 'Wurzen', 'Großräschen', 'Bad Berleburg']) {
      towns[name] = await townIdByName(ds, name);
      const slug = name.toLowerCase().replace(/[^a-z]/g, '');
      contacts[name] = await contactOf(t, ds, towns[name], `bgm@${slug}.test`, `Bgm ${name}`);
    }
  });
  afterAll(async () => {
    await ds?.destroy();
    await t?.close();
  });

  it('a double click on "Anfrage senden" creates one tandem and one mail', async () => {
    const body = { partnerTownId: towns.Penkun, message: 'Doppelklick' };
    const rs = await Promise.all([
      seelow.post('/api/tandems').send(body),
      seelow.post('/api/tandems').send(body),
      seelow.post('/api/tandems').send(body),
    ]);
    expect(statuses(rs)).toEqual([201, 409, 409]);
    for (const r of rs.filter((x) => x.status === 409))
      expect(r.body.message).toBe('These two towns already have an open or active tandem');
    expect(await ds.query(`SELECT count(*)::int AS n FROM tandem WHERE town_b = $1`, [towns.Penkun])).toEqual([{ n: 1 }]);
    await settled();
    expect(mailsTo(contacts.Penkun.email)).toHaveLength(1);
  });

  it('two contacts of one town answering at once: one answer wins, the other is told why', async () => {
    const second = await contactOf(t, ds, towns.Stadtroda, 'stellvertretung@stadtroda.test', 'Stellvertretung Stadtroda');
    const id = (await seelow.post('/api/tandems').send({ partnerTownId: towns.Stadtroda }).expect(201)).body.id;
    const rs = await Promise.all([
      contacts.Stadtroda.agent.post(`/api/tandems/${id}/accept`).send({ message: 'Ja' }),
      second.agent.post(`/api/tandems/${id}/decline`).send({ reason: 'Nein danke' }),
    ]);
    expect(statuses(rs)).toEqual([200, 409]);
    const loser = rs.find((r) => r.status === 409)!;
    expect(loser.body.message).toMatch(/^This tandem is already (accepted|declined)|^A tandem that is accepted cannot be declined/);
    const [row] = await ds.query(`SELECT state FROM tandem WHERE id = $1`, [id]);
    expect(['accepted', 'declined']).toContain(row.state);
    expect(await ds.query(`SELECT count(*)::int AS n FROM audit_log WHERE subject_id = $1`, [id])).toEqual([{ n: 2 }]);
    await settled();
    expect(mailsTo(DEMO_MAYOR_EMAIL, /Stadtroda hat Ihre Tandem-Anfrage/)).toHaveLength(1);
  });

  it('the office approving a request withdrawn a moment earlier: one outcome', async () => {
    const id = (await seelow.post('/api/tandems').send({ partnerTownId: towns.Eilenburg }).expect(201)).body.id;
    await contacts.Eilenburg.agent.post(`/api/tandems/${id}/accept`).send({}).expect(200);
    const rs = await Promise.all([
      seelow.post(`/api/tandems/${id}/withdraw`).send({ reason: 'Doch keine Zeit' }),
      office.post(`/api/tandems/${id}/approve`).send({}),
    ]);
    expect(statuses(rs)).toEqual([200, 409]);
    const [row] = await ds.query(`SELECT state FROM tandem WHERE id = $1`, [id]);
    const winner = rs.find((r) => r.status === 200)!;
    expect(winner.body.state).toBe(row.state);
    expect(rs.find((r) => r.status === 409)!.body.message).toMatch(
      row.state === 'withdrawn' ? /already withdrawn; it cannot be approved/ : /^A tandem that is approved cannot be withdrawn/,
    );
    await settled();
    expect(mailsTo(contacts.Eilenburg.email, /Tandem Eilenburg – Seelow: (zurückgezogen|freigegeben)/)).toHaveLength(1);
  });

  it('two towns taking the last capacity slot of a third: one gets it', async () => {
    await ds.query(`UPDATE town SET capacity = 1 WHERE id = $1`, [towns['Bad Berleburg']]);
    const rs = await Promise.all([
      contacts.Wurzen.agent.post('/api/tandems').send({ partnerTownId: towns['Bad Berleburg'] }),
      contacts['Großräschen'].agent.post('/api/tandems').send({ partnerTownId: towns['Bad Berleburg'] }),
    ]);
    expect(statuses(rs)).toEqual([201, 409]);
    expect(rs.find((r) => r.status === 409)!.body.message).toBe('Bad Berleburg has no free tandem capacity (1 of 1 open or active)');
    expect(await ds.query(`SELECT count(*)::int AS n FROM tandem WHERE town_b = $1`, [towns['Bad Berleburg']])).toEqual([{ n: 1 }]);
    await settled();
    expect(mailsTo(contacts['Bad Berleburg'].email)).toHaveLength(1);
  });

  it("bad input: self, unverified, opted out, at capacity, too long, someone else's tandem — refused, nothing changes", async () => {
    const before = (await ds.query(`SELECT count(*)::int AS n FROM tandem`))[0].n;
    const mailsBefore = (await ds.query(`SELECT count(*)::int AS n FROM mail_delivery`))[0].n;
    expect((await seelow.post('/api/tandems').send({ partnerTownId: seelowId }).expect(409)).body.message).toBe(
      'A town cannot form a tandem with itself',
    );

    const [pending] = await ds.query(`SELECT t.id, m.name FROM town t JOIN municipality m ON m.ags = t.ags WHERE m.name = 'Wurzen'`);
    await ds.query(`UPDATE town SET status = 'pending' WHERE id = $1`, [pending.id]);
    // Issue 24: a town the requester may not ask answers like an unknown one (no hint whether it is pending or paused).
    const unknown = (await seelow.post('/api/tandems').send({ partnerTownId: '00000000-0000-4000-8000-000000000000' }).expect(404)).body;
    expect((await seelow.post('/api/tandems').send({ partnerTownId: pending.id }).expect(404)).body).toEqual(unknown);
    await ds.query(`UPDATE town SET status = 'verified', opted_out = true WHERE id = $1`, [pending.id]);
    expect((await seelow.post('/api/tandems').send({ partnerTownId: pending.id }).expect(404)).body).toEqual(unknown);
    await ds.query(`UPDATE town SET opted_out = false WHERE id = $1`, [pending.id]);

    // Seelow at capacity: its open tandems fill it.
    const live = (
      await ds.query(
        `SELECT count(*)::int AS n FROM tandem WHERE (town_a = $1 OR town_b = $1) AND state IN ('requested','accepted','approved','proposed','active')`,
        [seelowId],
      )
    )[0].n;
    await ds.query(`UPDATE town SET capacity = $2 WHERE id = $1`, [seelowId, live]);
    expect((await seelow.post('/api/tandems').send({ partnerTownId: pending.id }).expect(409)).body.message).toBe(
      `Seelow has no free tandem capacity (${live} of ${live} open or active)`,
    );
    await ds.query(`UPDATE town SET capacity = 5 WHERE id = $1`, [seelowId]);

    const long = await seelow
      .post('/api/tandems')
      .send({ partnerTownId: pending.id, message: 'x'.repeat(1001) })
      .expect(400);
    expect(long.body.message).toBe('The message is too long (1001 characters, at most 1000)');
    const [penkun] = await ds.query(`SELECT id FROM tandem WHERE town_b = $1`, [towns.Penkun]);
    const tooLongReason = await contacts.Penkun.agent
      .post(`/api/tandems/${penkun.id}/decline`)
      .send({ reason: 'y'.repeat(1001) })
      .expect(400);
    expect(tooLongReason.body.message).toBe('The reason is too long (1001 characters, at most 1000)');
    await seelow.post('/api/tandems').send({ partnerTownId: 'not-a-uuid' }).expect(400);
    await seelow.post('/api/tandems').send({ partnerTownId: '00000000-0000-4000-8000-000000000000' }).expect(404);
    await seelow.post('/api/tandems').send({ partnerTownId: pending.id, topic: 'raumfahrt' }).expect(400);

    // Someone else's tandem: Wurzen's request to Bad Berleburg does not exist for Seelow or Penkun.
    const [foreign] = await ds.query(`SELECT id FROM tandem WHERE town_b = $1`, [towns['Bad Berleburg']]);
    expect((await seelow.get(`/api/tandems/${foreign.id}`).expect(404)).body.message).toBe('Tandem not found');
    await contacts.Penkun.agent.post(`/api/tandems/${foreign.id}/accept`).send({}).expect(404);
    await seelow.post(`/api/tandems/${foreign.id}/withdraw`).send({ reason: 'fremd' }).expect(404);
    await seelow.get('/api/tandems/00000000-0000-4000-8000-000000000000').expect(404);
    await seelow.get('/api/tandems/kein-tandem').expect(400);

    expect((await ds.query(`SELECT count(*)::int AS n FROM tandem`))[0].n).toBe(before);
    expect((await ds.query(`SELECT count(*)::int AS n FROM mail_delivery`))[0].n).toBe(mailsBefore);
    expect((await ds.query(`SELECT state FROM tandem WHERE id = $1`, [penkun.id]))[0].state).toBe('requested');
  });

  // Reminders and expiry (the hourly job, no HTTP) live in test/service/tandem-reminders.service-spec.ts.
  it('a delivery job run twice sends one mail', async () => {
    await settled();
    const [d] = await ds.query(`SELECT id, recipient FROM mail_delivery WHERE template = 'tandem-requested' ORDER BY created_at LIMIT 1`);
    const count = () => t.smtp.mails.filter((m) => m.headers.get('x-kt-delivery-id') === d.id).length;
    expect(count()).toBe(1);
    const mail = t.worker.get(MailService);
    await expect(mail.deliver(d.id)).resolves.toBe('skipped');
    // And through the queue, under a new job id, as the sweeper would.
    const { q, events } = await queueOf(t.worker, 'mail');
    const job = await q.add('deliver-mail', { deliveryId: d.id }, { jobId: `mail-${d.id}-again` });
    await expect(job.waitUntilFinished(events, 20_000)).resolves.toBe('skipped');
    await q.close();
    await events.close();
    expect(count()).toBe(1);
  });
});
