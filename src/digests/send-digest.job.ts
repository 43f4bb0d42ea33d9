import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { JOBS, QUEUES } from '../queue/queue-names';
import { workerOptions } from '../queue/worker-options';
import { DigestsService } from './digests.service';

type DigestJob = Job<{ runId: string; period: string; userId?: string }>;

// The digest queue: a run's fan-out and the per-contact digests. Both are idempotent (state lives in PostgreSQL),
// so a job cut short by a crash is simply run again; maxStalledCount leaves room for a few worker deaths.
@Processor(QUEUES.digest, workerOptions({ concurrency: 64, maxStalledCount: 5 }))
export class SendDigestJob extends WorkerHost {
  constructor(private readonly digests: DigestsService) {
    super();
  }

  async process(job: DigestJob): Promise<unknown> {
    // Safety net beside BullMQ's stalled-job recovery (weekly-digest.cron.job.ts): a fan-out unfinished after two minutes.
    if (job.name === JOBS.resumeDigestRuns) return this.digests.resumeUnfinishedRuns(120);
    if (job.name === JOBS.sendDigest) return this.digests.sendOne(job.data.runId, job.data.userId!, job.data.period);
    if (job.name === JOBS.digestRun) {
      // Jobs from the scheduler carry no run yet: the week is the one of the scheduled firing time.
      if (!job.data?.runId) {
        const period = this.digests.periodAt(new Date(job.timestamp + (job.opts.delay ?? 0)));
        return this.digests.startRun(period, 'schedule');
      }
      return this.digests.fanOut(job.data.runId, job.data.period);
    }
    throw new Error(`Unknown job ${job.name} on queue ${QUEUES.digest}`);
  }
}
