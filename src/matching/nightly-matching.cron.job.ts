import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Queue } from 'bullmq';
import { upsertSchedules } from '../queue/job-scheduler.util';
import { JOBS, QUEUES } from '../queue/queue-names';

const NIGHTLY_MATCHING_SCHEDULER_ID = 'nightly-matching';

// Every night the suggestions are recomputed (cool-downs expire, new towns appear): a job scheduler on the matching
// queue, whose job the run processor (recompute-matches.job.ts) takes like any other recomputation.
@Injectable()
export class NightlyMatchingCronJob implements OnApplicationBootstrap {
  private readonly logger = new Logger(NightlyMatchingCronJob.name);
  constructor(@InjectQueue(QUEUES.matching) private readonly queue: Queue) {}

  onApplicationBootstrap(): Promise<void> {
    return upsertSchedules(
      this.queue,
      [
        {
          id: NIGHTLY_MATCHING_SCHEDULER_ID,
          repeat: { pattern: '0 3 * * *', tz: 'Europe/Berlin' },
          job: { name: JOBS.recomputeMatches, data: { trigger: 'nightly' } },
        },
      ],
      this.logger,
    );
  }
}
