import { Queue, QueueEvents } from 'bullmq';
import type { ParsedMail } from 'mailparser';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { openDataSource } from '../../src/database/data-source';
import { withCommands } from '../../src/commands/run-command';
import { DemoSeedService } from '../../src/commands/seeds/demo-seed.service';
import { DEMO_MAYOR_EMAIL, DEMO_OFFICE_EMAIL } from '../../src/commands/seeds/demo-logins.util';
import { APP_CONFIG, type AppConfig } from '../../src/config/app-config';
import { MailService } from '../../src/mail/mail.service';
import { bullConnection } from '../../src/queue/queue.module';
import { REMINDER_SCHEDULER_ID, TandemRemindersCronJob } from '../../src/tandems/tandem-reminders.cron.job';
import { TandemRemindersService } from '../../src/tandems/tandem-reminders.service';
import { bootApp, MODES, TestApp } from '../utils/boot-app';
import { computeMatching, contactOf, eventually, townIdByName } from '../factories/tandems.factory';

type Agent = ReturnType<typeof request.agent>;
const addresses = (m: ParsedMail) => [m.to].flat().flatMap((x) => x?.value.map((v) => v.address) ?? []);
const DAY = 24 * 3600_000;

describe.each(MODES)('tandem races, bad input, reminders and expiry (parallel requests against the running app; %s mode)', (mode) => {
  let t: TestApp;
  let ds: DataSource;
  let office: Agent;
  let seelow: Agent;
  let seelowId: string;
  const towns: Record<string, string> = {};
  const contacts: Record<string, { agent: Agent; email: string; userId: string }> = {};

  async function settled() {
    await eventually('all mail deliveries sent', async () => {
      const [r] = await ds.query(`SELECT count(*)::int AS n FROM mail_delivery WHERE status <> 'sent'`);
      const [s] = await ds.query(`SELECT count(*)::int AS n FROM mail_delivery`);
      return r.n === 0 && t.smtp.mails.length >= s.n ? true : undefined;
    });
  }
  const mailsTo = (email: string, subject?: RegExp) =>
    t.smtp.mails.filter((m) => addresses(m).includes(email) && (!subject || subject.test(m.subject ?? '')));
  const statuses = (rs: { status: number }[]) => rs.map((r) => r.status).sort();
  /** A queue of the app and its events, from the outside (Redis, or BullMQ's PostgreSQL backend embedded). */
  async function queueOf(name: string) {
    const connection = bullConnection(t.worker.get<AppConfig>(APP_CONFIG));
    const q = new Queue(name, connection);
    const events = new QueueEvents(name, connection);
    await events.waitUntilReady();
    return { q, events };
  }

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

  it('a delivery job run twice sends one mail', async () => {
    await settled();
    const [d] = await ds.query(`SELECT id, recipient FROM mail_delivery WHERE template = 'tandem-requested' ORDER BY created_at LIMIT 1`);
    const count = () => t.smtp.mails.filter((m) => m.headers.get('x-kt-delivery-id') === d.id).length;
    expect(count()).toBe(1);
    const mail = t.worker.get(MailService);
    await expect(mail.deliver(d.id)).resolves.toBe('skipped');
    // And through the queue, under a new job id, as the sweeper would.
    const { q, events } = await queueOf('mail');
    const job = await q.add('deliver-mail', { deliveryId: d.id }, { jobId: `mail-${d.id}-again` });
    await expect(job.waitUntilFinished(events, 20_000)).resolves.toBe('skipped');
    await q.close();
    await events.close();
    expect(count()).toBe(1);
  });

  it('reminders after 7 and 14 days and expiry after 30, with a controlled clock; once each however often it runs', async () => {
    const service = t.worker.get(TandemRemindersService);
    const id = (await seelow.post('/api/tandems').send({ partnerTownId: towns.Wurzen, message: 'Erinnerungstest' }).expect(201)).body.id;
    const [{ at }] = await ds.query(`SELECT state_changed_at AS at FROM tandem WHERE id = $1`, [id]);
    const day = (n: number) => new Date(at.getTime() + n * DAY + 60_000);
    const reminders = () =>
      ds.query(`SELECT dedupe_key AS key FROM mail_delivery WHERE dedupe_key LIKE $1 ORDER BY created_at`, [`tandem:${id}:reminder-%`]);

    await service.runReminders(day(6));
    expect(await reminders()).toEqual([]);
    await service.runReminders(day(8));
    await service.runReminders(day(8));
    await service.runReminders(day(9));
    expect((await reminders()).map((r: { key: string }) => r.key)).toEqual([`tandem:${id}:reminder-7:${contacts.Wurzen.userId}`]);
    await service.runReminders(day(15));
    await service.runReminders(day(16));
    expect((await reminders()).map((r: { key: string }) => r.key.split(':')[2])).toEqual(['reminder-7', 'reminder-14']);
    await settled();
    const sent = mailsTo(contacts.Wurzen.email, /^Erinnerung: Seelow wartet auf Ihre Antwort$/);
    expect(sent).toHaveLength(2);
    expect(sent[0].text).toContain(
      'seit 8 Tagen wartet die Tandem-Anfrage mit Seelow auf die Antwort von Wurzen. Ohne Antwort läuft die Anfrage in 22 Tagen ab.',
    );
    expect(sent[1].text).toContain(`Jetzt antworten: ${t.url}/tandems/${id}`);

    // Day 31: expired by the system, both towns told, and the job through the real queue does it only once.
    const { q, events } = await queueOf('tandems');
    const runs = [];
    for (let i = 0; i < 2; i++) {
      const job = await q.add('tandem-reminders', { now: day(31).toISOString() });
      runs.push(await job.waitUntilFinished(events, 20_000));
    }
    expect(runs[0].expired).toBeGreaterThanOrEqual(1);
    expect(runs[1].expired).toBe(0);
    const [row] = await ds.query(`SELECT state FROM tandem WHERE id = $1`, [id]);
    expect(row.state).toBe('expired');
    const detail = (await seelow.get(`/api/tandems/${id}`).expect(200)).body;
    expect(detail.timeline.at(-1)).toMatchObject({ action: 'expire', from: 'requested', to: 'expired', actor: 'system', who: 'System' });
    await settled();
    expect(mailsTo(DEMO_MAYOR_EMAIL, /^Tandem Seelow – Wurzen: abgelaufen$/)).toHaveLength(1);
    expect(mailsTo(contacts.Wurzen.email, /^Tandem Wurzen – Seelow: abgelaufen$/)).toHaveLength(1);

    // One scheduler, however often a worker starts (upsert under a fixed id).
    await t.worker.get(TandemRemindersCronJob).onApplicationBootstrap();
    await t.worker.get(TandemRemindersCronJob).onApplicationBootstrap();
    const schedulers = await q.getJobSchedulers();
    expect(schedulers.map((s) => s.key)).toEqual([REMINDER_SCHEDULER_ID]);
    await q.close();
    await events.close();
  });

  it('an approved tandem never started: one reminder to both towns, then expiry (days from the config); once however often it runs', async () => {
    const service = t.worker.get(TandemRemindersService);
    const gr = contacts['Großräschen'];
    const id = (await gr.agent.post('/api/tandems').send({ partnerTownId: towns.Penkun, message: 'Starttest' }).expect(201)).body.id;
    await contacts.Penkun.agent.post(`/api/tandems/${id}/accept`).send({}).expect(200);
    expect((await office.post(`/api/tandems/${id}/approve`).send({}).expect(200)).body.state).toBe('approved');
    const [{ at }] = await ds.query(`SELECT state_changed_at AS at FROM tandem WHERE id = $1`, [id]);
    const day = (n: number) => new Date(at.getTime() + n * DAY + 60_000);
    const keys = async () =>
      (
        await ds.query(`SELECT dedupe_key AS key FROM mail_delivery WHERE dedupe_key LIKE $1 ORDER BY dedupe_key`, [
          `tandem:${id}:start-reminder:%`,
        ])
      ).map((r: { key: string }) => r.key);

    await service.runReminders(day(13));
    expect(await keys()).toEqual([]);
    await service.runReminders(day(14));
    await service.runReminders(day(14));
    await service.runReminders(day(30));
    expect(await keys()).toEqual(
      [`tandem:${id}:start-reminder:${gr.userId}`, `tandem:${id}:start-reminder:${contacts.Penkun.userId}`].sort(),
    );
    await settled();
    const toGr = mailsTo(gr.email, /^Erinnerung: Tandem mit Penkun noch nicht begonnen$/);
    expect(toGr).toHaveLength(1);
    expect(toGr[0].text).toContain(
      'hat das Tandem von Großräschen mit Penkun vor 14 Tagen freigegeben, es wurde aber noch nicht begonnen.',
    );
    expect(toGr[0].text).toContain('Ohne Start läuft das Tandem in 46 Tagen ab.');
    expect(toGr[0].text).toContain(`Zum Tandem: ${t.url}/tandems/${id}`);
    expect(mailsTo(contacts.Penkun.email, /^Erinnerung: Tandem mit Großräschen noch nicht begonnen$/)).toHaveLength(1);

    await service.runReminders(day(59));
    expect((await ds.query(`SELECT state FROM tandem WHERE id = $1`, [id]))[0].state).toBe('approved');
    await service.runReminders(day(60));
    await service.runReminders(day(61));
    expect((await ds.query(`SELECT state FROM tandem WHERE id = $1`, [id]))[0].state).toBe('expired');
    const detail = (await gr.agent.get(`/api/tandems/${id}`).expect(200)).body;
    expect(detail.timeline.at(-1)).toMatchObject({ action: 'expire', from: 'approved', to: 'expired', actor: 'system' });
    await settled();
    const expiredMails = mailsTo(gr.email, /^Tandem Großräschen – Penkun: abgelaufen$/);
    expect(expiredMails).toHaveLength(1);
    expect(expiredMails[0].text).toContain('innerhalb von 60 Tagen nicht begonnen');
    expect(mailsTo(contacts.Penkun.email, /^Tandem Penkun – Großräschen: abgelaufen$/)).toHaveLength(1);
    // The slot is free again: the pair may ask anew.
    await gr.agent.post('/api/tandems').send({ partnerTownId: towns.Penkun }).expect(201);
  });
});
