import { createPostgresBackend } from 'bullmq';

/** Embedded mode: the longest a worker (or a QueueEvents reader) sleeps before it looks for new jobs again. */
const EMBEDDED_POLL_SECONDS = 1;

/**
 * BullMQ's PostgreSQL backend with every blocking wait cut to EMBEDDED_POLL_SECONDS.
 *
 * The backend wakes a waiting worker by NOTIFY on its LISTEN connection. PGlite has one session for all
 * connections: a NOTIFY comes back on the connection that sent it, never on the worker's LISTEN connection, so
 * in the embedded mode a worker finds new jobs only when its wait times out. A worker's `drainDelay` bounds that
 * wait only while the queue holds no delayed job: with one (a job scheduler's next run, e.g. the weekly digest on
 * Monday, the daily reminders; a retry's backoff) BullMQ blocks until that job is due, capped by the backend's
 * `maximumBlockTimeout`, which is 3600 s on PostgreSQL. A digest run queued meanwhile waited up to an hour.
 */
export const embeddedPostgresBackend: typeof createPostgresBackend = (name, opts, factoryOpts) => {
  const backend = createPostgresBackend(name, opts, factoryOpts);
  const waitForJob = backend.waitForJob.bind(backend);
  const readEvents = backend.readEvents.bind(backend);
  backend.waitForJob = (blockTimeout: number) => waitForJob(Math.min(blockTimeout, EMBEDDED_POLL_SECONDS));
  // QueueEvents (job.waitUntilFinished): the same wait in milliseconds; BullMQ's 0 means its default of 5 s.
  backend.readEvents = (id: string, blockTimeoutMs: number) =>
    readEvents(id, Math.min(blockTimeoutMs || 5000, EMBEDDED_POLL_SECONDS * 1000));
  return backend;
};
