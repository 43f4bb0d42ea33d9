import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { Queue } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { JOBS, QUEUES } from '../queue/queue-names';
import { DigestsService } from './digests.service';

export const DIGEST_SCHEDULER_ID = 'weekly-digest';

/**
 * The weekly trigger lives in BullMQ as a job scheduler: upserting it at every worker start is idempotent (one
 * scheduler id), so deploys and several workers never create a second one, and a changed DIGEST_CRON replaces it.
 */
@Injectable()
export class WeeklyDigestCronJob implements OnApplicationBootstrap {
  private readonly logger = new Logger(WeeklyDigestCronJob.name);
  constructor(
    @InjectQueue(QUEUES.digest) private readonly queue: Queue,
    private readonly digests: DigestsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private scheduled = false;

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.upsertScheduler();
      await this.digests.resumeUnfinishedRuns(0);
    } catch (err) {
      this.logger.warn(`Could not set up the weekly digest schedule (${(err as Error).message}); retrying in the background.`);
    }
  }

  private async upsertScheduler(): Promise<void> {
    await this.queue.upsertJobScheduler(
      DIGEST_SCHEDULER_ID,
      { pattern: this.config.digest.cron, tz: this.config.digest.timeZone },
      { name: JOBS.digestRun, data: {}, opts: { attempts: 6 } },
    );
    this.scheduled = true;
  }

  /** Safety net beside BullMQ's stalled-job recovery: a fan-out that has not finished after two minutes is queued again. */
  @Interval(120_000)
  async resume(): Promise<void> {
    try {
      if (!this.scheduled) await this.upsertScheduler();
      await this.digests.resumeUnfinishedRuns(120);
    } catch (err) {
      this.logger.warn(`Digest resume check failed: ${(err as Error).message}`);
    }
  }
}
