import type { Logger } from '@nestjs/common';
import type { Queue, RepeatOptions } from 'bullmq';
import type { JobPayloads } from './job-payloads';

/** A timed job: a BullMQ job scheduler under a fixed id (one per cluster, however many workers run). */
export type ScheduleSpec<J extends keyof JobPayloads = keyof JobPayloads> = {
  [N in J]: { id: string; repeat: Omit<RepeatOptions, 'key'>; job: { name: N; data?: JobPayloads[N]; attempts?: number } };
}[J];

const RETRY_MS = 30_000;

/**
 * Upserts the schedulers at worker start; idempotent, so deploys and several workers never add a second one, and a
 * changed pattern replaces the old. When the queue is not reachable yet, it tries again in the background until it is.
 * Maintenance runs keep no completed job (a minute's sweep would otherwise pile up thousands).
 */
export async function upsertSchedules(queue: Queue, specs: ScheduleSpec[], logger: Logger): Promise<void> {
  try {
    for (const s of specs) {
      await queue.upsertJobScheduler(s.id, s.repeat, {
        name: s.job.name,
        data: s.job.data ?? {},
        opts: { attempts: s.job.attempts ?? 3, removeOnComplete: true, removeOnFail: { age: 7 * 24 * 3600 } },
      });
    }
  } catch (err) {
    logger.warn(
      `Could not set up the schedules ${specs.map((s) => s.id).join(', ')} (${(err as Error).message}); retrying in ${RETRY_MS / 1000} s`,
    );
    setTimeout(() => void upsertSchedules(queue, specs, logger), RETRY_MS).unref();
  }
}
