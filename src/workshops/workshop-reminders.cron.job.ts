import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { upsertSchedules } from '../queue/job-scheduler.util';
import { JOBS, QUEUES } from '../queue/queue-names';
import { workerOptions } from '../queue/worker-options';
import { WorkshopRemindersService } from './workshop-reminders.service';

const WORKSHOP_REMINDER_SCHEDULER_ID = 'workshop-reminders';
const WORKSHOP_REMINDER_EVERY_MS = 3600_000;

// Reminders 7 days and 1 day before a confirmed workshop, checked once an hour. One scheduler under a fixed id
// (upserted at worker start); a reminder row per workshop and kind makes a repeated run send nothing twice.
@Processor(QUEUES.workshops, workerOptions({ concurrency: 1 }))
export class WorkshopRemindersCronJob extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(WorkshopRemindersCronJob.name);

  constructor(
    private readonly reminders: WorkshopRemindersService,
    @InjectQueue(QUEUES.workshops) private readonly queue: Queue,
  ) {
    super();
  }

  onApplicationBootstrap(): Promise<void> {
    return upsertSchedules(
      this.queue,
      [{ id: WORKSHOP_REMINDER_SCHEDULER_ID, repeat: { every: WORKSHOP_REMINDER_EVERY_MS }, job: { name: JOBS.workshopReminders } }],
      this.logger,
    );
  }

  /** `data.now` lets a test (or an operator) run the job for another point in time. */
  async process(job: Job<{ now?: string }>): Promise<{ reminders: number }> {
    if (job.name !== JOBS.workshopReminders) throw new Error(`Unknown job ${job.name} on queue ${QUEUES.workshops}`);
    return { reminders: await this.reminders.runReminders(job.data?.now ? new Date(job.data.now) : new Date()) };
  }
}
