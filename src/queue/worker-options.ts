import type { WorkerOptions } from 'bullmq';
import { appConfig, type AppConfig } from '../config/app-config';

/**
 * Options for a @Processor. In the embedded mode BullMQ runs on PostgreSQL (PGlite), where a NOTIFY from the
 * web process never reaches the worker's LISTEN (one shared session): the worker finds new jobs by polling,
 * every `drainDelay` seconds (BullMQ's default is 5). Decorators are evaluated when the file is imported, before
 * Nest's container exists, so this asks the config directly (KT_MODE, which the launcher sets for its children).
 * `drainDelay` alone does not bound the wait: with a delayed job in the queue BullMQ waits for that job instead
 * (up to an hour); the embedded backend cuts every wait to the same second (embedded-backend.ts).
 * Both modes: the job lock and the stalled-job check from JOB_LOCK_SECONDS (BullMQ's 30 s unless set).
 */
const EMBEDDED_DRAIN_DELAY_SECONDS = 1;

export function workerOptions<T extends Partial<WorkerOptions>>(
  options: T,
  config: Pick<AppConfig, 'mode' | 'jobLockMs'> = appConfig(),
): T & Pick<WorkerOptions, 'lockDuration' | 'stalledInterval'> {
  // JOB_LOCK_SECONDS: how soon another worker process takes over the jobs of one that died (a lock expires, the next
  // stalled-job check, run by every worker this often, moves the job back to waiting).
  const locks = { lockDuration: config.jobLockMs, stalledInterval: config.jobLockMs };
  return config.mode === 'embedded' ? { ...options, ...locks, drainDelay: EMBEDDED_DRAIN_DELAY_SECONDS } : { ...options, ...locks };
}
