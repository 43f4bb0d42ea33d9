import { Processor } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { QUEUES } from '../queue/queue-names';
import { dispatchJob } from '../queue/typed-jobs.util';
import { WakeableWorkerHost } from '../queue/wakeable-worker-host';
import { workerOptions } from '../queue/worker-options';
import { MatchingService } from './matching.service';
import { MatchingRunner } from './runs/matching-runner.service';
import { RunPruningService } from './runs/run-pruning.service';

// One processor for the matching queue: every run job carries a run id (or, when debounced or nightly, creates its run
// first); the prune job deletes old runs after a run finished, on the same queue so it never races a run's write.
// Embedded, the web process announces a run it queued (embedded-wake.ts), so the worker does not wait for its poll.
@Processor(QUEUES.matching, workerOptions({ concurrency: 1 }))
export class RecomputeMatchesJob extends WakeableWorkerHost {
  constructor(
    private readonly matching: MatchingService,
    private readonly runner: MatchingRunner,
    private readonly pruning: RunPruningService,
  ) {
    super();
  }

  async process(job: Job): Promise<string | { runs: number; rows: number }> {
    return dispatchJob<typeof QUEUES.matching, string | { runs: number; rows: number }>(QUEUES.matching, job, {
      'recompute-matches': (data) => this.run(data),
      'tandem-round': (data) => this.run(data),
      'workshop-proposal': (data) => this.run(data),
      'prune-runs': () => this.pruning.prune(),
    });
  }

  private async run(data: { runId?: string; trigger?: string }): Promise<string> {
    let runId = data.runId;
    if (!runId) {
      // If another suggestions run is computing this throws, and BullMQ retries later with backoff,
      // so the newer profiles that triggered this job are not lost.
      runId = await this.matching.startRunRow('suggestions', data.trigger ?? 'debounced');
    }
    await this.runner.execute(runId);
    return runId;
  }
}
