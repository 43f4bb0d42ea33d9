import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Queue } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { upsertSchedules } from '../queue/job-scheduler.util';
import { JOBS, QUEUES } from '../queue/queue-names';
import { DigestsService } from './digests.service';

const DIGEST_SCHEDULER_ID = 'weekly-digest';
const DIGEST_RESUME_SCHEDULER_ID = 'digest-resume';

/**
 * The weekly trigger lives in BullMQ as a job scheduler: upserting it at every worker start is idempotent (one
 * scheduler id), so deploys and several workers never create a second one, and a changed DIGEST_CRON replaces it.
 * A second scheduler checks every two minutes for a fan-out that did not finish (send-digest.job.ts takes both).
 */
@Injectable()
export class WeeklyDigestCronJob implements OnApplicationBootstrap {
  private readonly logger = new Logger(WeeklyDigestCronJob.name);
  constructor(
    @InjectQueue(QUEUES.digest) private readonly queue: Queue,
    private readonly digests: DigestsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await upsertSchedules(
      this.queue,
      [
        {
          id: DIGEST_SCHEDULER_ID,
          repeat: { pattern: this.config.digest.cron, tz: this.config.digest.timeZone },
          job: { name: JOBS.digestRun, attempts: 6 },
        },
        { id: DIGEST_RESUME_SCHEDULER_ID, repeat: { every: 120_000 }, job: { name: JOBS.resumeDigestRuns, attempts: 1 } },
      ],
      this.logger,
    );
    try {
      await this.digests.resumeUnfinishedRuns(0);
    } catch (err) {
      this.logger.warn(`Could not resume unfinished digest runs at start (${(err as Error).message}); the resume schedule will.`);
    }
  }
}
