import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { upsertSchedules } from '../queue/job-scheduler.util';
import { JOBS, QUEUES } from '../queue/queue-names';
import { workerOptions } from '../queue/worker-options';
import { TandemActivityService } from './tandem-activity.service';
import { TandemRemindersService } from './tandem-reminders.service';

export const REMINDER_SCHEDULER_ID = 'tandem-reminders';
const REMINDER_EVERY_MS = 3600_000;

// The fit check (TANDEM_FIT_CHECK_WEEKS after the start), reminders (7 and 14 days; approved but not started: TANDEM_START_REMINDER_DAYS) and expiry (30 days; not started:
// TANDEM_START_EXPIRY_DAYS) once an hour. The scheduler is upserted under a fixed id at
// worker start, so any number of deploys and workers keep exactly one; dedupe keys make repeated runs harmless.
@Processor(QUEUES.tandems, workerOptions({ concurrency: 1 }))
export class TandemRemindersCronJob extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(TandemRemindersCronJob.name);

  constructor(
    private readonly reminders: TandemRemindersService,
    private readonly activity: TandemActivityService,
    @InjectQueue(QUEUES.tandems) private readonly queue: Queue,
  ) {
    super();
  }

  onApplicationBootstrap(): Promise<void> {
    return upsertSchedules(
      this.queue,
      [{ id: REMINDER_SCHEDULER_ID, repeat: { every: REMINDER_EVERY_MS }, job: { name: JOBS.tandemReminders } }],
      this.logger,
    );
  }

  /** `data.now` lets a test (or an operator) run the job for another point in time. */
  async process(job: Job<{ now?: string }>) {
    if (job.name !== JOBS.tandemReminders) throw new Error(`Unknown job ${job.name} on queue ${QUEUES.tandems}`);
    const now = job.data?.now ? new Date(job.data.now) : new Date();
    // Then the activity rules (issue 23): silent tandems (TANDEM_SILENCE_WEEKS) and dormant towns (TOWN_DORMANT_MONTHS).
    return { ...(await this.reminders.runReminders(now)), ...(await this.activity.run(now)) };
  }
}
