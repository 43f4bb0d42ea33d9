import type { Job } from 'bullmq';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { withCommands } from '../../src/commands/run-command';
import { openDataSource } from '../../src/database/data-source';
import { DEMO_OFFICE_EMAIL } from '../../src/commands/seeds/demo-logins.util';
import { DemoSeedService } from '../../src/commands/seeds/demo-seed.service';
import { JOBS } from '../../src/queue/queue-names';
import { TandemActivityService } from '../../src/tandems/tandem-activity.service';
import { TandemRemindersCronJob } from '../../src/tandems/tandem-reminders.cron.job';
import { STRONG_PASSWORD } from '../factories/accounts.factory';
import { computeMatching, contactOf, eventually, townIdByName } from '../factories/tandems.factory';
import { bootApp, MODES, TestApp } from '../utils/boot-app';
import { formToken } from '../utils/csrf';

type Agent = ReturnType<typeof request.agent>;
const DAY = 86_400_000;
const WEEK = 7 * DAY;
const ymd = (d: Date) => d.toISOString().slice(0, 10);

// Issue 23, activity: the meeting log, silence → reminders → "ruhend", dormant towns. Injected clock, no sleeps.
describe.each(MODES)('tandem activity (%s mode)', (mode) => {
  let t: TestApp;
  let ds: DataSource;
  let office: Agent;

  /** A tandem of two fresh contacts of the named demo towns, through to `until`. */
  async function pair(nameA: string, nameB: string, tag: string, until: 'requested' | 'approved' | 'active') {
    const [x, y] = await Promise.all([townIdByName(ds, nameA), townIdByName(ds, nameB)]);
    const a = await contactOf(t, ds, x, `bgm@${tag}-a.test`, `Anna ${tag}`);
    const b = await contactOf(t, ds, y, `bgm@${tag}-b.test`, `Bernd ${tag}`);
    const id: string = (await a.agent.post('/api/tandems').send({ partnerTownId: y }).expect(201)).body.id;
    if (until !== 'requested') {
      await b.agent.post(`/api/tandems/${id}/accept`).send({}).expect(200);
      await office.post(`/api/tandems/${id}/approve`).send({}).expect(200);
    }
    if (until === 'active') await a.agent.post(`/api/tandems/${id}/start`).send({}).expect(200);
    return { id, a, b, x, y };
  }
  const silenceMails = async (id: string) =>
    (
      await ds.query(`SELECT dedupe_key AS key FROM mail_delivery WHERE dedupe_key LIKE $1 ORDER BY dedupe_key`, [`tandem:${id}:silence-%`])
    ).map((r: { key: string }) => r.key);

  beforeAll(async () => {
    t = await bootApp('tandem_activity', {}, { mode });
    ds = await openDataSource(t.databaseUrl);
    const seed = await withCommands((c) => c.get(DemoSeedService).seed());
    office = request.agent(t.url);
    await office.post('/api/auth/login').send({ email: DEMO_OFFICE_EMAIL, password: seed.logins[0].password }).expect(200);
  });
  afterAll(async () => {
    await ds?.destroy();
    await t?.close();
  });

  it('meeting log: either town adds (API and page), the office reads, a third town and the office cannot add; input checked', async () => {
    const { id, a, b } = await pair('Eilenburg', 'Rodewisch', 'treffen', 'approved');
    const c = await contactOf(t, ds, await townIdByName(ds, 'Drebkau'), 'bgm@treffen-c.test');
    const today = ymd(new Date());

    // A through the API: the answer is the tandem detail with the meeting in it.
    const added = await a.agent
      .post(`/api/tandems/${id}/meetings`)
      .send({ date: today, format: 'vor_ort', notes: 'Rundgang durch die Innenstadt' })
      .expect(201);
    expect(added.body.activity.meetings).toEqual([
      expect.objectContaining({
        date: today,
        format: 'vor_ort',
        formatLabel: 'vor Ort',
        notes: 'Rundgang durch die Innenstadt',
        townName: 'Eilenburg',
      }),
    ]);

    // B on the page form.
    const csrf = await formToken(b.agent, `/tandems/${id}`);
    await b.agent
      .post(`/tandems/${id}/treffen`)
      .type('form')
      .send({ _csrf: csrf, meetingDate: today, meetingFormat: 'telefon', meetingNotes: 'Fördermittel besprochen' })
      .expect(303)
      .expect('Location', `/tandems/${id}?erledigt=treffen#treffen-h`);
    const page = (await b.agent.get(`/tandems/${id}?erledigt=treffen`).expect(200)).text;
    expect(page).toContain('Das Treffen ist eingetragen.');
    expect(page).toContain('Fördermittel besprochen');
    expect(page).toContain('Telefon');
    expect(page).toContain('Rundgang durch die Innenstadt');

    // German errors on the page (what was typed stays), English ones on the API; nothing is stored.
    const tooLong = await b.agent
      .post(`/tandems/${id}/treffen`)
      .type('form')
      .send({ _csrf: csrf, meetingDate: today, meetingFormat: 'online', meetingNotes: 'x'.repeat(301) })
      .expect(400);
    expect(tooLong.text).toContain('Die Notiz ist zu lang (301 Zeichen, höchstens 300).');
    const far = ymd(new Date(Date.now() + 60 * DAY));
    const farPage = await b.agent
      .post(`/tandems/${id}/treffen`)
      .type('form')
      .send({ _csrf: csrf, meetingDate: far, meetingFormat: 'online' })
      .expect(400);
    expect(farPage.text).toContain('Das Datum liegt zu weit in der Zukunft.');
    expect(farPage.text).toContain(`value="${far}"`);
    const api = await a.agent.post(`/api/tandems/${id}/meetings`).send({ date: far, format: 'online' }).expect(400);
    expect(api.body.error).toBe('date_too_far_ahead');
    expect(api.body.message).toMatch(/at most 31 days ahead/);
    expect((await a.agent.post(`/api/tandems/${id}/meetings`).send({ date: today, format: 'brieftaube' }).expect(400)).body.error).toBe(
      'invalid_format',
    );

    // A third town: the tandem does not exist for it. The office reads but does not add.
    await c.agent.post(`/api/tandems/${id}/meetings`).send({ date: today, format: 'online' }).expect(404);
    await office.post(`/api/tandems/${id}/meetings`).send({ date: today, format: 'online' }).expect(403);
    const seen = (await office.get(`/api/tandems/${id}`).expect(200)).body;
    expect(seen.activity.meetings.map((m: { townName: string; formatLabel: string }) => [m.townName, m.formatLabel])).toEqual(
      expect.arrayContaining([
        ['Eilenburg', 'vor Ort'],
        ['Rodewisch', 'Telefon'],
      ]),
    );
    expect(seen.activity.meetings).toHaveLength(2);
    expect(seen.activity.canAdd).toBe(false);
    const officePage = (await office.get(`/tandems/${id}`).expect(200)).text;
    expect(officePage).toContain('Fördermittel besprochen');
    expect(officePage).not.toContain('Treffen eintragen</button>');

    // Before the office's approval there is no log to add to.
    const open = await pair('Osterburg (Altmark)', 'Marienmünster', 'offen', 'requested');
    expect(
      (await open.a.agent.post(`/api/tandems/${open.id}/meetings`).send({ date: today, format: 'online' }).expect(409)).body.error,
    ).toBe('not_running');
  });

  it('silence: first reminder after the configured weeks, a second one, then "ruhend" for the office; a meeting entry ends it', async () => {
    const { id, a, x, y } = await pair('Zwönitz', 'Bönen', 'stille', 'active');
    const job = t.worker.get(TandemRemindersCronJob);
    const run = (at: number) =>
      job.process({ name: JOBS.tandemReminders, data: { now: new Date(at).toISOString() } } as unknown as Job<{ now?: string }>);
    // Every activity so far (start, sign-ins) lies before this point.
    const base = Date.now() + 60_000;

    await run(base + 8 * WEEK - DAY);
    expect(await silenceMails(id)).toEqual([]);
    const first = await run(base + 8 * WEEK);
    expect(first.silenceReminders).toBeGreaterThanOrEqual(2);
    expect(await silenceMails(id)).toHaveLength(2); // one contact in each town
    await run(base + 8 * WEEK + 3600_000); // the hourly job again: nothing new
    await run(base + 16 * WEEK - DAY);
    expect(await silenceMails(id)).toHaveLength(2);
    for (const email of ['bgm@stille-a.test', 'bgm@stille-b.test'])
      await eventually(`the first silence reminder to ${email}`, () =>
        t.smtp.mails.find(
          (m) => m.subject?.startsWith('Wie geht es Ihrem Tandem mit') && [m.to].flat().some((to) => to?.text.includes(email)),
        ),
      );
    // Not resting yet.
    expect((await office.get(`/api/tandems/${id}`).expect(200)).body.activity).toEqual(
      expect.objectContaining({ resting: null, silenceReminders: 1 }),
    );

    await run(base + 16 * WEEK + 3600_000);
    expect(await silenceMails(id)).toHaveLength(4);
    // No third reminder (the silence rule alone: the whole job this late would also pause every town for dormancy).
    await t.worker.get(TandemActivityService).runSilence(new Date(base + 30 * WEEK));
    expect(await silenceMails(id)).toHaveLength(4);
    await eventually('the second silence reminder', () =>
      t.smtp.mails.find((m) => m.subject?.startsWith('Noch einmal: Wie geht es Ihrem Tandem mit Bönen') && m.text?.includes('„ruhend“')),
    );

    // The office: the filter "ruhend", the badge, the tandem page with how to follow up; the API too.
    const list = (await office.get('/geschaeftsstelle/tandems?zustand=ruhend').expect(200)).text;
    expect(list).toContain('Zwönitz – Bönen');
    expect(list).toContain('<span class="kern-badge kern-badge--info badge state-resting"><span class="kern-label">ruhend</span></span>');
    expect(list).toContain('<option value="ruhend" selected>');
    const all = (await office.get('/geschaeftsstelle/tandems?zustand=active').expect(200)).text;
    expect(all).toMatch(/Zwönitz – Bönen<\/a><\/td>.*?ruhend/s);
    const detail = (await office.get(`/tandems/${id}`).expect(200)).text;
    expect(detail).toContain('ruhend</span></span> seit');
    expect(detail).toContain(`/geschaeftsstelle/kommunen/${x}#notizen-h`);
    expect(detail).toContain(`/geschaeftsstelle/kommunen/${y}#notizen-h`);
    expect(detail).toContain('Vorzeitig beenden');
    expect(detail).toContain('Tandem ruht: keine Aktivität nach zwei Erinnerungen');
    const apiList = (await office.get('/api/tandems?state=ruhend').expect(200)).body;
    expect(apiList.items.map((i: { id: string; resting: boolean }) => [i.id, i.resting])).toEqual([[id, true]]);
    // The towns themselves are not shown the office's mark.
    const forA = (await a.agent.get(`/api/tandems/${id}`).expect(200)).body;
    expect(forA.activity.resting).toBeNull();
    expect(forA.activity.silenceReminders).toBeNull();

    // A meeting entry: active again at once.
    await a.agent
      .post(`/api/tandems/${id}/meetings`)
      .send({ date: ymd(new Date()), format: 'online' })
      .expect(201);
    expect((await office.get(`/api/tandems/${id}`).expect(200)).body.activity).toEqual(
      expect.objectContaining({ resting: null, silenceReminders: 0 }),
    );
    expect((await office.get('/geschaeftsstelle/tandems?zustand=ruhend').expect(200)).text).not.toContain('Zwönitz – Bönen');
  });

  it('a dormant town is paused from suggestions with one mail inviting it back; signing in lifts it', async () => {
    const town = await townIdByName(ds, 'Mücheln (Geiseltal)');
    await contactOf(t, ds, town, 'bgm@schlaf.test', 'Frieda Schlaf');
    const activity = t.worker.get(TandemActivityService);
    const now = Date.now() + 60_000;
    // Nobody else may turn dormant at the injected time: so Mücheln's activity is moved back instead of the clock forward.
    const back = `interval '5 months'`;
    // A registered town (demo towns are never paused: nobody could be invited back); a silent demo town stays.
    const demo = await townIdByName(ds, 'Laucha an der Unstrut');
    await ds.query(`UPDATE town SET is_demo = false WHERE id = $1`, [town]);
    await ds.query(`UPDATE town SET created_at = created_at - ${back} WHERE id = ANY($1::uuid[])`, [[town, demo]]);
    await ds.query(`UPDATE user_account SET last_login_at = last_login_at - ${back} WHERE town_id = $1`, [town]);
    await ds.query(
      `UPDATE audit_log SET created_at = created_at - ${back} WHERE actor_id IN (SELECT id FROM user_account WHERE town_id = $1)`,
      [town],
    );

    // Not at 4 months minus a day of silence (the data is 5 months old: run the rule a month and a day earlier).
    expect(await activity.runDormancy(new Date(now - 31 * DAY - DAY))).toBe(0);
    expect(await activity.runDormancy(new Date(now))).toBe(1);
    expect(await activity.runDormancy(new Date(now + DAY))).toBe(0); // once per dormancy
    const [{ dormantSince }] = await ds.query(`SELECT dormant_since AS "dormantSince" FROM town WHERE id = $1`, [town]);
    expect(dormantSince).not.toBeNull();
    expect((await ds.query(`SELECT dormant_since AS d FROM town WHERE id = $1`, [demo]))[0].d).toBeNull();
    const rows = await ds.query(`SELECT recipient FROM mail_delivery WHERE template = 'town-dormant' AND dedupe_key LIKE $1`, [
      `town:${town}:%`,
    ]);
    expect(rows.map((r: { recipient: string }) => r.recipient)).toEqual(['bgm@schlaf.test']);
    const mail = await eventually('the invitation back', () =>
      t.smtp.mails.find((m) => m.subject === 'Wir vermissen Mücheln (Geiseltal) bei Kleinstadt-Tandem'),
    );
    expect(mail.text).toContain('Melden Sie sich einfach an');
    expect(mail.text).toContain('/anmelden?next=%2Fvorschlaege');

    // Paused: in nobody's suggestions, and no suggestions of its own.
    const inRun = async () => {
      const [r] = await ds.query(
        `SELECT count(*)::int AS n FROM matching_suggestion s JOIN matching_run r ON r.id = s.run_id
         WHERE r.kind = 'suggestions' AND r.is_current AND (s.partner_id = $1 OR s.town_id = $1)`,
        [town],
      );
      return r.n as number;
    };
    await computeMatching(t, ['suggestions']);
    expect(await inRun()).toBe(0);

    // Signing in lifts it (audited), and the town is suggested again.
    const again = request.agent(t.url);
    await again.post('/api/auth/login').send({ email: 'bgm@schlaf.test', password: STRONG_PASSWORD }).expect(200);
    const [after] = await ds.query(`SELECT dormant_since AS "dormantSince" FROM town WHERE id = $1`, [town]);
    expect(after.dormantSince).toBeNull();
    const audit = await ds.query(`SELECT action FROM audit_log WHERE subject_id = $1 AND action LIKE 'town.dorman%' ORDER BY id`, [town]);
    expect(audit.map((r: { action: string }) => r.action)).toEqual(['town.dormant', 'town.dormancy_lifted']);
    await computeMatching(t, ['suggestions']);
    expect(await inRun()).toBeGreaterThan(0);
  });
});
