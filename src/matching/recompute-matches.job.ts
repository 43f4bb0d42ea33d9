import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { JOBS, QUEUES } from '../queue/queue-names';
import { EMBEDDED_INTERACTIVE_DRAIN_DELAY_SECONDS, workerOptions } from '../queue/worker-options';
import { MatchingService } from './matching.service';
import { MatchingRunner } from './runs/matching-runner.service';
import { RunPruningService } from './runs/run-pruning.service';

const RUN_JOBS: string[] = [JOBS.recomputeMatches, JOBS.tandemRound, JOBS.workshopProposal];

// One processor for the matching queue: every run job carries a run id (or, when debounced, creates its run first);
// the prune job deletes old runs after a run finished, on the same queue so it never races a run's write.
// Embedded, a run is picked up by polling (NOTIFY does not cross processes there): the short interval keeps a run
// from the office's page near its servers-mode time.
@Processor(QUEUES.matching, workerOptions({ concurrency: 1 }, undefined, EMBEDDED_INTERACTIVE_DRAIN_DELAY_SECONDS))
export class RecomputeMatchesJob extends WorkerHost {
  constructor(
    private readonly matching: MatchingService,
    private readonly runner: MatchingRunner,
    private readonly pruning: RunPruningService,
  ) {
    super();
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
