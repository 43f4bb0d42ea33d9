import { DataSource } from 'typeorm';
import type { SessionUser } from '../../src/auth/session-user';
import { withCommands } from '../../src/commands/run-command';
import { DEMO_MAYOR_EMAIL, DEMO_OFFICE_EMAIL } from '../../src/commands/seeds/demo-logins.util';
import { DemoSeedService } from '../../src/commands/seeds/demo-seed.service';
import { openDataSource } from '../../src/database/data-source';
import { JobSchedulers } from '../../src/queue/job-schedulers.service';
import { TandemRemindersService } from '../../src/tandems/tandem-reminders.service';
import { TandemsService } from '../../src/tandems/tandems.service';
import { TandemsViewModel } from '../../src/tandems/tandems.view-model';
import { insertContact, townIdByName } from '../factories/tandems.factory';
import { bootServices, type TestServices } from '../utils/boot-services';
import { mailsSettled, mailsTo as mailsToOf, queueOf } from '../utils/outbox';
import { MODES } from '../utils/test-stack';

const DAY = 24 * 3600_000;

// Moved from test/e2e/tandem-races.e2e-spec.ts (issue 26): the hourly job's reminders and expiry need no HTTP.
describe.each(MODES)('tandem reminders and expiry with a controlled clock (services on the real database; %s mode)', (mode) => {
  let t: TestServices;
  let ds: DataSource;
  const tandems = () => t.web!.get(TandemsService);
  let seelow: SessionUser;
  let office: SessionUser;
  const towns: Record<string, string> = {};
  const contacts: Record<string, { user: SessionUser; email: string; userId: string }> = {};
  async function userByEmail(email: string): Promise<SessionUser> {
    const [u] = await ds.query(`SELECT id, email, role, display_name, town_id FROM user_account WHERE email = $1`, [email]);
    return { id: u.id, email: u.email, role: u.role, displayName: u.display_name, townId: u.town_id };
  }
  const settled = () => mailsSettled(ds, t.smtp);
  const mailsTo = (email: string, subject?: RegExp) => mailsToOf(t.smtp, email, subject);

  beforeAll(async () => {
    t = await bootServices('tandemreminders', {}, { mode, web: true });
    ds = await openDataSource(t.databaseUrl);
    await withCommands((c) => c.get(DemoSeedService).seed());
    office = await userByEmail(DEMO_OFFICE_EMAIL);
    seelow = await userByEmail(DEMO_MAYOR_EMAIL);
    await ds.query(`UPDATE town SET capacity = 5`);
    for (const name of ['Penkun', 'Wurzen', 'Großräschen']) {
      towns[name] = await townIdByName(ds, name);
      const email = `bgm@${name.toLowerCase().replace(/[^a-z]/g, '')}.test`;
      const userId = await insertContact(ds, towns[name], email, `Bgm ${name}`);
      contacts[name] = { user: await userByEmail(email), email, userId };
    }
  });
  afterAll(async () => {
    await ds?.destroy();
    await t?.close();
  });

  it('reminders after 7 and 14 days and expiry after 30, with a controlled clock; once each however often it runs', async () => {
    const service = t.worker.get(TandemRemindersService);
    const id = await tandems().request(seelow, towns.Wurzen, { message: 'Erinnerungstest' });
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
    const { q, events } = await queueOf(t.worker, 'tandems');
    const runs = [];
    for (let i = 0; i < 2; i++) {
      const job = await q.add('tandem-reminders', { now: day(31).toISOString() });
      runs.push(await job.waitUntilFinished(events, 20_000));
    }
    expect(runs[0].expired).toBeGreaterThanOrEqual(1);
    expect(runs[1].expired).toBe(0);
    const [row] = await ds.query(`SELECT state FROM tandem WHERE id = $1`, [id]);
    expect(row.state).toBe('expired');
    const detail = await t.web!.get(TandemsViewModel).detail(seelow, id);
    expect(detail.timeline.at(-1)).toMatchObject({ action: 'expire', from: 'requested', to: 'expired', actor: 'system', who: 'System' });
    await settled();
    expect(mailsTo(DEMO_MAYOR_EMAIL, /^Tandem Seelow – Wurzen: abgelaufen$/)).toHaveLength(1);
    expect(mailsTo(contacts.Wurzen.email, /^Tandem Wurzen – Seelow: abgelaufen$/)).toHaveLength(1);

    // One scheduler, however often a worker starts (upsert under a fixed id).
    await t.worker.get(JobSchedulers).onApplicationBootstrap();
    await t.worker.get(JobSchedulers).onApplicationBootstrap();
    const schedulers = await q.getJobSchedulers();
    expect(schedulers.map((s) => s.key)).toEqual(['tandem-reminders']);
    await q.close();
    await events.close();
  });

  it('an approved tandem never started: one reminder to both towns, then expiry (days from the config); once however often it runs', async () => {
    const service = t.worker.get(TandemRemindersService);
    const gr = contacts['Großräschen'];
    const id = await tandems().request(gr.user, towns.Penkun, { message: 'Starttest' });
    await tandems().act(contacts.Penkun.user, id, 'accept', {});
    expect(await tandems().act(office, id, 'approve', {})).toBe('approved');
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
    const detail = await t.web!.get(TandemsViewModel).detail(gr.user, id);
    expect(detail.timeline.at(-1)).toMatchObject({ action: 'expire', from: 'approved', to: 'expired', actor: 'system' });
    await settled();
    const expiredMails = mailsTo(gr.email, /^Tandem Großräschen – Penkun: abgelaufen$/);
    expect(expiredMails).toHaveLength(1);
    expect(expiredMails[0].text).toContain('innerhalb von 60 Tagen nicht begonnen');
    expect(mailsTo(contacts.Penkun.email, /^Tandem Penkun – Großräschen: abgelaufen$/)).toHaveLength(1);
    // The slot is free again: the pair may ask anew.
    await expect(tandems().request(gr.user, towns.Penkun, {})).resolves.toEqual(expect.any(String));
  });
});
