import { getQueueToken } from '@nestjs/bullmq';
import type { Job, Queue } from 'bullmq';
import request from 'supertest';
import { JobSchedulers } from '../../src/queue/job-schedulers.service';
import { JOBS, QUEUES } from '../../src/queue/queue-names';
import { TandemRemindersCronJob } from '../../src/tandems/tandem-reminders.cron.job';
import { STRONG_PASSWORD } from '../factories/accounts.factory';
import { insertMunicipalities, TEST_TOWNS } from '../factories/directory.factory';
import { bootApp, MODES, TestApp } from '../utils/boot-app';
import { waitFor } from '../utils/wait-for';

// Issue 26, "one timer mechanism": every timed job is a BullMQ job scheduler under a fixed id, so it exists once in
// the cluster however many workers start (issue 29), and its job runs on the processor beside the service it calls.
const EXPECTED: Record<string, string[]> = {
  [QUEUES.mail]: ['mail-sweep'],
  [QUEUES.matching]: ['nightly-matching'],
  [QUEUES.tandems]: ['tandem-reminders'],
  [QUEUES.digest]: ['digest-resume', 'weekly-digest'],
  [QUEUES.workshops]: ['workshop-reminders'],
  [QUEUES.accounts]: ['purge-expired-registrations'],
  [QUEUES.practices]: ['practice-follow-ups'],
  [QUEUES.events]: ['event-tasks'],
};

const BRUNSBUETTEL = TEST_TOWNS[1];

describe.each(MODES)('job schedulers: the only timers (%s mode)', (mode) => {
  let t: TestApp;
  const queue = (name: string) => t.worker.get<Queue>(getQueueToken(name), { strict: false });
  const schedulerKeys = async (name: string) => (await queue(name).getJobSchedulers()).map((s) => s.key).sort();

  beforeAll(async () => {
    t = await bootApp('job_schedulers', {}, { mode });
    await insertMunicipalities(t, [BRUNSBUETTEL]);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('each timed job exists once as a scheduler, however often workers start', async () => {
    // A second and a third worker start: the same upserts under the same ids.
    await t.worker.get(JobSchedulers).onApplicationBootstrap();
    await t.worker.get(JobSchedulers).onApplicationBootstrap();
    for (const [name, keys] of Object.entries(EXPECTED)) expect({ name, keys: await schedulerKeys(name) }).toEqual({ name, keys });
    const [nightly] = await queue(QUEUES.matching).getJobSchedulers();
    expect(nightly).toMatchObject({ pattern: '0 3 * * *', tz: 'Europe/Berlin', name: JOBS.recomputeMatches });
    const [sweep] = await queue(QUEUES.mail).getJobSchedulers();
    expect(sweep).toMatchObject({ every: 60_000, name: JOBS.sweepMail });
  });

  it('the sweep job re-queues a promised mail whose job never ran, and the purge job deletes an expired registration', async () => {
    // A delivery promised in an earlier transaction whose job never reached the queue.
    await t.db.query(
      `INSERT INTO mail_delivery (dedupe_key, recipient, template, context, created_at)
       VALUES ('test:stranded-scheduled', 'verloren@olbernhau.test', 'town-verified', $1, now() - interval '5 minutes')`,
      [JSON.stringify({ displayName: 'Frau Spät', townName: 'Olbernhau', profileUrl: `${t.url}/meine-kommune` })],
    );
    await queue(QUEUES.mail).add(JOBS.sweepMail, {});
    const m = await t.smtp.waitFor((x) => [x.to].flat().some((a) => a?.text === 'verloren@olbernhau.test'));
    expect(m.text).toContain('Guten Tag Frau Spät');

    await request(t.url)
      .post('/api/auth/register')
      .send({
        ags: BRUNSBUETTEL.ags,
        email: 'abgelaufen@brunsbuettel.test',
        password: STRONG_PASSWORD,
        displayName: 'Alt',
        contactFunction: 'mayor',
        privacyAccepted: true,
      })
      .expect(201);
    await t.db.query(`UPDATE email_token SET expires_at = now() - interval '1 minute'
      WHERE user_id = (SELECT id FROM user_account WHERE email = 'abgelaufen@brunsbuettel.test')`);
    await queue(QUEUES.accounts).add(JOBS.purgeRegistrations, {});
    await waitFor(
      async () => (await t.db.query(`SELECT 1 FROM user_account WHERE email = 'abgelaufen@brunsbuettel.test'`)).rows.length === 0,
      {
        what: 'the purge job to delete the expired registration',
      },
    );
  });

  it('the event job closes registration once the deadline has passed (issue 28)', async () => {
    const { rows } = await t.db.query(
      `INSERT INTO network_event (kind, title, format, online_link, starts_at, ends_at, registration_deadline, places_total, state)
       VALUES ('forum', 'Forum', 'online', 'https://konferenz.example/f', now() + interval '3 days', now() + interval '3 days 2 hours',
               now() - interval '1 minute', 10, 'published') RETURNING id`,
    );
    await queue(QUEUES.events).add(JOBS.eventTasks, {});
    await waitFor(
      async () => (await t.db.query(`SELECT state FROM network_event WHERE id = $1`, [rows[0].id])).rows[0].state === 'registration_closed',
      { what: 'the event job to close registration' },
    );
  });

  it('a job name its queue does not take fails the job, naming job and queue', async () => {
    const job = { name: 'no-such-job', data: {} } as unknown as Job;
    await expect(t.worker.get(TandemRemindersCronJob).process(job)).rejects.toThrow('Unknown job no-such-job on queue tandems');
    // On the queue itself: the job fails (its scheduler's other jobs are unaffected).
    const added = await queue(QUEUES.events).add('no-such-job', {}, { attempts: 1 });
    await waitFor(async () => (await added.getState()) === 'failed', { what: 'the unknown job to fail' });
    expect((await queue(QUEUES.events).getJob(added.id!))?.failedReason).toBe('Unknown job no-such-job on queue events');
  });
});
