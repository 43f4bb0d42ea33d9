import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { upsertSchedules } from '../queue/job-scheduler.util';
import { JOBS, QUEUES } from '../queue/queue-names';
import { workerOptions } from '../queue/worker-options';
import { PracticeFollowUpService } from './practice-follow-up.service';

const FOLLOW_UP_SCHEDULER_ID = 'practice-follow-ups';

// Once a day, 9:00 Berlin time, the follow-ups that came due (issue 27). The rows in practice_follow_up are the state:
// a run that repeats, or two workers, find nothing left to ask and send nothing twice.
@Processor(QUEUES.practices, workerOptions({ concurrency: 1 }))
export class PracticeFollowUpCronJob extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(PracticeFollowUpCronJob.name);

  constructor(
    private readonly followUps: PracticeFollowUpService,
    @InjectQueue(QUEUES.practices) private readonly queue: Queue,
  ) {
    super();
  }

  onApplicationBootstrap(): Promise<void> {
    return upsertSchedules(
      this.queue,
      [
        {
          id: FOLLOW_UP_SCHEDULER_ID,
          repeat: { pattern: '0 9 * * *', tz: 'Europe/Berlin' },
          job: { name: JOBS.practiceFollowUps },
        },
      ],
      this.logger,
    );
  }

  /** `data.now` lets a test (or an operator) run the job for another point in time. */
  async process(job: Job<{ now?: string }>) {
    if (job.name !== JOBS.practiceFollowUps) throw new Error(`Unknown job ${job.name} on queue ${QUEUES.practices}`);
    return this.followUps.run(job.data?.now ? new Date(job.data.now) : new Date());
  }
}
