import type { JOBS, QUEUES } from './queue-names';

type JobName = (typeof JOBS)[keyof typeof JOBS];
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** `now` (ISO time) lets a test or an operator run a timed job for another point in time; the scheduler sends none. */
interface AtTime {
  now?: string;
}
type NoData = Record<string, never>;

/**
 * What each job carries: the one place where a job's name and its data are tied together. Adding a job (typed-jobs.util
 * addJob) and working it (dispatchJob) both go through this map, so a wrong payload or an unknown name does not compile.
 */
export interface JobPayloads {
  'deliver-mail': { deliveryId: string };
  'sweep-mail': NoData;
  /** From a debounced trigger or the nightly scheduler no run exists yet (`trigger` names it); from the office, `runId`. */
  'recompute-matches': { runId?: string; trigger?: string };
  'tandem-round': { runId: string };
  'workshop-proposal': { runId: string };
  'prune-runs': NoData;
  'tandem-reminders': AtTime;
  /** From the scheduler without a run (the week is the firing time's); from startRun and the resume with both. */
  'digest-run': { runId?: undefined } | { runId: string; period: string };
  'send-digest': { runId: string; userId: string; period: string };
  'resume-digest-runs': NoData;
  'workshop-reminders': AtTime;
  'purge-registrations': NoData;
  'practice-follow-ups': AtTime;
  'event-tasks': AtTime;
}

/** Which jobs each queue's processor takes (the bulk mail queue takes the same deliveries as the mail queue). */
export interface QueueJobs {
  mail: 'deliver-mail' | 'sweep-mail';
  'mail-bulk': 'deliver-mail';
  matching: 'recompute-matches' | 'tandem-round' | 'workshop-proposal' | 'prune-runs';
  tandems: 'tandem-reminders';
  digest: 'digest-run' | 'send-digest' | 'resume-digest-runs';
  workshops: 'workshop-reminders';
  accounts: 'purge-registrations';
  practices: 'practice-follow-ups';
  events: 'event-tasks';
}

// Compile-time checks: every job in JOBS has a payload (and no payload lacks its job), every queue a job list.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const payloadsCoverJobs: Same<keyof JobPayloads, JobName> = true;
const queuesCovered: Same<keyof QueueJobs, QueueName> = true;
void payloadsCoverJobs;
void queuesCovered;
