import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { JOBS, QUEUES } from './queue-names';
import { addJob } from './typed-jobs.util';

/** Debounce window of a recomputation: a burst of profile edits is one run. */
const RECOMPUTE_DEBOUNCE_MS = 60_000;

/**
 * Asks for fresh suggestions. A trigger on the queue, not a call into matching: accounts, towns, the office and tandems
 * say "something changed" without depending on the matching module (issue 26, no module cycles).
 */
@Injectable()
export class RecomputeTrigger {
  private readonly logger = new Logger(RecomputeTrigger.name);

  constructor(@InjectQueue(QUEUES.matching) private readonly queue: Queue) {}

  async request(trigger: string, opts: { now?: boolean } = {}): Promise<void> {
    // `now`: a town that just lost its partner gets fresh suggestions at once; a burst is still one run.
    const delay = opts.now ? 0 : RECOMPUTE_DEBOUNCE_MS;
    try {
      await addJob(
        this.queue,
        JOBS.recomputeMatches,
        { trigger },
        {
          delay,
          deduplication: opts.now
            ? { id: 'recompute-suggestions-now', ttl: 5_000 }
            : { id: 'recompute-suggestions', ttl: RECOMPUTE_DEBOUNCE_MS },
          attempts: 3,
        },
      );
    } catch (err) {
      // The nightly run catches up; a profile save must not fail because the queue is briefly away.
      this.logger.warn(`Could not schedule a recomputation (${(err as Error).message})`);
    }
  }
}
