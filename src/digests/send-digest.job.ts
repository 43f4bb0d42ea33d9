import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job } from 'bullmq';
import { QUEUES } from '../queue/queue-names';
import { dispatchJob } from '../queue/typed-jobs.util';
import { workerOptions } from '../queue/worker-options';
import { DigestsService } from './digests.service';

// The digest queue: a run's fan-out and the per-contact digests. Both are idempotent (state lives in PostgreSQL),
// so a job cut short by a crash is simply run again; maxStalledCount leaves room for a few worker deaths.
@Processor(QUEUES.digest, workerOptions({ concurrency: 64, maxStalledCount: 5 }))
export class SendDigestJob extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(SendDigestJob.name);

  constructor(private readonly digests: DigestsService) {
    super();
  }

  /** At worker start, fan-outs a dead worker left unfinished go on at once (the resume schedule would in two minutes). */
  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.digests.resumeUnfinishedRuns(0);
    } catch (err) {
      this.logger.warn(`Could not resume unfinished digest runs at start (${(err as Error).message}); the resume schedule will.`);
    }
  }

  async process(job: Job): Promise<unknown> {
    return dispatchJob<typeof QUEUES.digest, unknown>(QUEUES.digest, job, {
      // Safety net beside BullMQ's stalled-job recovery (schedules.ts): a fan-out unfinished after two minutes.
      'resume-digest-runs': () => this.digests.resumeUnfinishedRuns(120),
      'send-digest': (data) => this.digests.sendOne(data.runId, data.userId, data.period),
      'digest-run': (data, j) => {
        // Jobs from the scheduler carry no run yet: the week is the one of the scheduled firing time.
        if (!data.runId) return this.digests.startRun(this.digests.periodAt(new Date(j.timestamp + (j.opts.delay ?? 0))), 'schedule');
        return this.digests.fanOut(data.runId, data.period);
      },
    });
  }
}
