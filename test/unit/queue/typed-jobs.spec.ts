import type { Job, Queue } from 'bullmq';
import { addJob, addJobs, dispatchJob, jobTime } from '../../../src/queue/typed-jobs.util';
import { schedules } from '../../../src/queue/schedules';
import { JOBS, QUEUES } from '../../../src/queue/queue-names';

const job = (name: string, data: unknown = {}) => ({ name, data }) as unknown as Job;

function fakeQueue() {
  const added: unknown[] = [];
  const queue = {
    add: (name: string, data: unknown, opts: unknown) => (added.push({ name, data, opts }), Promise.resolve({} as Job)),
    addBulk: (jobs: unknown[]) => (added.push(...jobs), Promise.resolve([] as Job[])),
  } as unknown as Queue;
  return { queue, added };
}

describe('typed jobs (issue 26)', () => {
  it('dispatches a job to the handler of its name with its payload', async () => {
    const seen: string[] = [];
    const out = await dispatchJob(QUEUES.mail, job(JOBS.deliverMail, { deliveryId: 'd-1' }), {
      'deliver-mail': (data) => (seen.push(data.deliveryId), Promise.resolve('sent')),
      'sweep-mail': () => Promise.resolve(0),
    });
    expect({ out, seen }).toEqual({ out: 'sent', seen: ['d-1'] });
  });

  it('fails a job whose name its queue does not take, naming both, and runs no handler', async () => {
    const handler = jest.fn(() => Promise.resolve({ closed: 0, reminders: 0 }));
    await expect(dispatchJob(QUEUES.events, job('deliver-mail'), { 'event-tasks': handler })).rejects.toThrow(
      'Unknown job deliver-mail on queue events',
    );
    // Not fooled by a name an object has anyway.
    await expect(dispatchJob(QUEUES.events, job('toString'), { 'event-tasks': handler })).rejects.toThrow('Unknown job toString');
    expect(handler).not.toHaveBeenCalled();
  });

  it('adds jobs with the name, data and options given', async () => {
    const { queue, added } = fakeQueue();
    await addJob(queue, JOBS.pruneRuns, {}, { attempts: 3 });
    await addJobs(queue, JOBS.deliverMail, [{ data: { deliveryId: 'a' }, opts: { jobId: 'mail-a' } }]);
    expect(added).toEqual([
      { name: 'prune-runs', data: {}, opts: { attempts: 3 } },
      { name: 'deliver-mail', data: { deliveryId: 'a' }, opts: { jobId: 'mail-a' } },
    ]);
  });

  it('a timed job runs for `now` from its data, else for the present', () => {
    expect(jobTime({ now: '2027-01-04T06:00:00.000Z' }).toISOString()).toBe('2027-01-04T06:00:00.000Z');
    const before = Date.now();
    expect(jobTime({}).getTime()).toBeGreaterThanOrEqual(before);
  });

  it('the compiler refuses an unknown job, a wrong payload and a missing handler (checked by npm run typecheck)', () => {
    const { queue } = fakeQueue();
    const never = () => {
      // @ts-expect-error no such job
      void addJob(queue, 'no-such-job', {});
      // @ts-expect-error deliver-mail carries a deliveryId
      void addJob(queue, JOBS.deliverMail, { runId: 'x' });
      // @ts-expect-error the mail queue also takes sweep-mail: a handler for it is missing
      void dispatchJob(QUEUES.mail, job('x'), { 'deliver-mail': () => Promise.resolve('sent') });
      void dispatchJob(QUEUES.events, job('x'), {
        'event-tasks': () => Promise.resolve(1),
        // @ts-expect-error the events queue takes no deliver-mail
        'deliver-mail': () => Promise.resolve(1),
      });
    };
    expect(typeof never).toBe('function');
  });

  it('every timer has a fixed id, once in the whole service', () => {
    const all = Object.entries(schedules({ digest: { cron: '0 7 * * 1', timeZone: 'Europe/Berlin', unsubscribeSecret: 'x' } }));
    const ids = all.flatMap(([, specs]) => specs.map((s) => s.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(
      [
        'digest-resume',
        'event-tasks',
        'mail-sweep',
        'nightly-matching',
        'practice-follow-ups',
        'purge-expired-registrations',
        'tandem-reminders',
        'weekly-digest',
        'workshop-reminders',
      ].sort(),
    );
  });
});
