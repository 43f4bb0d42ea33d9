import { Processor } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { JOBS, QUEUES } from '../queue/queue-names';
import { WakeableWorkerHost } from '../queue/wakeable-worker-host';
import { workerOptions } from '../queue/worker-options';
import { MatchingService } from './matching.service';
import { MatchingRunner } from './runs/matching-runner.service';
import { RunPruningService } from './runs/run-pruning.service';

const RUN_JOBS: string[] = [JOBS.recomputeMatches, JOBS.tandemRound, JOBS.workshopProposal];

// One processor for the matching queue: every run job carries a run id (or, when debounced, creates its run first);
// the prune job deletes old runs after a run finished, on the same queue so it never races a run's write.
// Embedded, the web process announces a run it queued (embedded-wake.ts), so the worker does not wait for its poll.
@Processor(QUEUES.matching, workerOptions({ concurrency: 1 }))
export class RecomputeMatchesJob extends WakeableWorkerHost {
  constructor(
    private readonly matching: MatchingService,
    private readonly runner: MatchingRunner,
    private readonly pruning: RunPruningService,
  ) {
    super(QUEUES.matching);
  }

  async process(job: Job<{ runId?: string; trigger?: string }>): Promise<string | { runs: number; rows: number }> {
    if (job.name === JOBS.pruneRuns) return this.pruning.prune();
    if (!RUN_JOBS.includes(job.name)) {
      throw new Error(`Unknown job ${job.name} on queue ${QUEUES.matching}`);
    }
    let runId = job.data.runId;
    if (!runId) {
      // If another suggestions run is computing this throws, and BullMQ retries later with backoff,
      // so the newer profiles that triggered this job are not lost.
      runId = await this.matching.startRunRow('suggestions', job.data.trigger ?? 'debounced');
    }
    await this.runner.execute(runId);
    return runId;
  }
}
