// Queue names are part of the deployed state: never rename one once it has run in production.
export const QUEUES = {
  mail: 'mail',
  /** Bulk mail (the digest): same deliveries and job name as `mail`, worked many at a time over pooled SMTP. */
  mailBulk: 'mail-bulk',
  matching: 'matching',
  tandems: 'tandems',
  digest: 'digest',
  workshops: 'workshops',
  /** Account housekeeping (expired registrations). */
  accounts: 'accounts',
  /** The Methodenkoffer's follow-ups (issue 27). */
  practices: 'practices',
  /** Events: registration deadlines and reminders. */
  events: 'events',
} as const;

export const JOBS = {
  deliverMail: 'deliver-mail',
  recomputeMatches: 'recompute-matches',
  tandemRound: 'tandem-round',
  workshopProposal: 'workshop-proposal',
  pruneRuns: 'prune-runs',
  tandemReminders: 'tandem-reminders',
  digestRun: 'digest-run',
  sendDigest: 'send-digest',
  workshopReminders: 'workshop-reminders',
  sweepMail: 'sweep-mail',
  resumeDigestRuns: 'resume-digest-runs',
  purgeRegistrations: 'purge-registrations',
  practiceFollowUps: 'practice-follow-ups',
  eventTasks: 'event-tasks',
} as const;

export const DEFAULT_JOB_OPTIONS = {
  attempts: 6,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 },
  removeOnFail: { age: 30 * 24 * 3600 },
};
