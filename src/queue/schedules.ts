import type { AppConfig } from '../config/app-config';
import type { QueueJobs, QueueName } from './job-payloads';
import type { ScheduleSpec } from './job-scheduler.util';
import { JOBS } from './queue-names';

const HOUR_MS = 3600_000;
const BERLIN = 'Europe/Berlin';

/**
 * Every timer of the service, one BullMQ job scheduler each (issue 26), by queue. Scheduler ids, patterns and job
 * names are deployed state: a changed pattern replaces the old scheduler at the next worker start, a changed id would
 * leave the old one running. Each job is worked by its queue's processor (see QueueJobs in job-payloads.ts).
 */
export function schedules(config: Pick<AppConfig, 'digest'>): { [Q in QueueName]: ScheduleSpec<QueueJobs[Q]>[] } {
  return {
    // Safety net for "no promised email is lost": deliveries whose job never ran are queued again.
    mail: [{ id: 'mail-sweep', repeat: { every: 60_000 }, job: { name: JOBS.sweepMail, attempts: 1 } }],
    'mail-bulk': [],
    // Cool-downs expire and new towns appear: the suggestions are recomputed every night.
    matching: [
      {
        id: 'nightly-matching',
        repeat: { pattern: '0 3 * * *', tz: BERLIN },
        job: { name: JOBS.recomputeMatches, data: { trigger: 'nightly' } },
      },
    ],
    // Fit check, reminders, expiry and the activity rules (silent tandems, dormant towns), hourly.
    tandems: [{ id: 'tandem-reminders', repeat: { every: HOUR_MS }, job: { name: JOBS.tandemReminders } }],
    // The weekly digest (DIGEST_CRON), and every two minutes a check for a fan-out that did not finish.
    digest: [
      {
        id: 'weekly-digest',
        repeat: { pattern: config.digest.cron, tz: config.digest.timeZone },
        job: { name: JOBS.digestRun, attempts: 6 },
      },
      { id: 'digest-resume', repeat: { every: 120_000 }, job: { name: JOBS.resumeDigestRuns, attempts: 1 } },
    ],
    // Reminders 7 days and 1 day before a confirmed workshop, checked hourly.
    workshops: [{ id: 'workshop-reminders', repeat: { every: HOUR_MS }, job: { name: JOBS.workshopReminders } }],
    // Registrations nobody confirmed before the link ran out, deleted hourly.
    accounts: [
      { id: 'purge-expired-registrations', repeat: { pattern: '17 * * * *', tz: BERLIN }, job: { name: JOBS.purgeRegistrations } },
    ],
    // The Methodenkoffer's follow-ups that came due (issue 27), daily at 9:00.
    practices: [{ id: 'practice-follow-ups', repeat: { pattern: '0 9 * * *', tz: BERLIN }, job: { name: JOBS.practiceFollowUps } }],
    // Events: close registration after the deadline, the reminder two days before; every quarter hour.
    events: [{ id: 'event-tasks', repeat: { every: 15 * 60_000 }, job: { name: JOBS.eventTasks } }],
  };
}
