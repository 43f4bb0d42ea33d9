import { EventEmitter } from 'node:events';
import type { Worker } from 'bullmq';
import { appConfig } from '../config/app-config';

/**
 * Embedded, a job the web process adds reaches the worker process only at its next poll: on PGlite's one session a
 * NOTIFY does not cross processes. The web child tells the launcher over its IPC channel; the launcher passes it on
 * to the worker child, which ends its worker's wait at once (the worker then fetches the job as after a NOTIFY).
 * A worker in the same process is woken directly. Without either (`node dist/src/main.js` alone) polling still finds the job.
 */
const JOB_ADDED = 'kt:job-added';

interface JobAddedMessage {
  type: typeof JOB_ADDED;
  queue: string;
}

export function isJobAddedMessage(m: unknown): m is JobAddedMessage {
  return (
    typeof m === 'object' && m !== null && (m as JobAddedMessage).type === JOB_ADDED && typeof (m as JobAddedMessage).queue === 'string'
  );
}

/** A worker in this same process (tests, or web and worker in one process) hears it here: IPC never loops back. */
const sameProcess = new EventEmitter();

export function announceJobAdded(queue: string): void {
  if (appConfig().mode !== 'embedded') return;
  const message = { type: JOB_ADDED, queue } satisfies JobAddedMessage;
  if (process.send && process.connected) process.send(message);
  sameProcess.emit(JOB_ADDED, message);
}

/** Ends the worker's current wait when a job is announced for the worker's queue; returns the unsubscribe. */
export function wakeOnJobAdded(worker: () => Worker | undefined): () => void {
  const onMessage = (m: unknown) => {
    const w = worker();
    if (!w || !isJobAddedMessage(m) || m.queue !== w.name) return;
    // BullMQ 6.7.0 (pinned exactly): the PostgreSQL backend keeps the running wait's canceller on `cancelWait`.
    (w as unknown as { backend?: { cancelWait?: () => void } }).backend?.cancelWait?.();
  };
  process.on('message', onMessage);
  sameProcess.on(JOB_ADDED, onMessage);
  return () => {
    process.off('message', onMessage);
    sameProcess.off(JOB_ADDED, onMessage);
  };
}
