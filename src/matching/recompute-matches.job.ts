import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { JOBS, QUEUES } from '../queue/queue-names';
import { MatchingService } from './matching.service';

// One processor for the matching queue: every job carries a run id (or, when debounced, creates its run first).
@Processor(QUEUES.matching, { concurrency: 1 })
export class RecomputeMatchesJob extends WorkerHost {
  constructor(private readonly matching: MatchingService) {
    super();
  }

  async process(job: Job<{ runId?: string; trigger?: string }>): Promise<string> {
    if (![JOBS.recomputeMatches, JOBS.tandemRound, JOBS.workshopProposal].includes(job.name as never)) {
      throw new Error(`Unknown job ${job.name} on queue ${QUEUES.matching}`);
    }
    let runId = job.data.runId;
    if (!runId) {
      // If another suggestions run is computing this throws, and BullMQ retries later with backoff,
      // so the newer profiles that triggered this job are not lost.
      runId = await this.matching.startRunRow('suggestions', job.data.trigger ?? 'debounced');
    }
    await this.matching.execute(runId);
    return runId;
  }
}
