import type { Job, JobsOptions, Queue } from 'bullmq';
import type { JobPayloads, QueueJobs, QueueName } from './job-payloads';

type JobName = keyof JobPayloads;

/** Queues one job; its data must be the payload of its name (job-payloads.ts). */
export function addJob<N extends JobName>(queue: Queue, name: N, data: JobPayloads[N], opts?: JobsOptions): Promise<Job> {
  return queue.add(name, data, opts);
}

/** Queues several jobs of one name in one round trip. */
export function addJobs<N extends JobName>(queue: Queue, name: N, jobs: { data: JobPayloads[N]; opts?: JobsOptions }[]): Promise<Job[]> {
  return queue.addBulk(jobs.map((j) => ({ name, data: j.data, opts: j.opts })));
}

/** One handler per job the queue takes, each given that job's payload: a missing, unknown or mistyped one does not compile. */
export type JobHandlers<Q extends QueueName, R = unknown> = {
  [N in QueueJobs[Q]]: (data: JobPayloads[N], job: Job<JobPayloads[N]>) => Promise<R>;
};

/** A processor's `process`: the job's handler by its name; a name the queue does not take fails the job. */
export async function dispatchJob<Q extends QueueName, R>(queue: Q, job: Job, handlers: JobHandlers<Q, R>): Promise<R> {
  if (!Object.hasOwn(handlers, job.name)) throw new Error(`Unknown job ${job.name} on queue ${queue}`);
  const handler = handlers[job.name as QueueJobs[Q]] as (data: unknown, job: Job) => Promise<R>;
  return handler(job.data, job);
}

/** The time a timed job runs for: `now` from its data (a test or an operator), else the present. */
export function jobTime(data: { now?: string }): Date {
  return data.now ? new Date(data.now) : new Date();
}
