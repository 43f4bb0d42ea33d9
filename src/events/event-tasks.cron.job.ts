import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { upsertSchedules } from '../queue/job-scheduler.util';
import { JOBS, QUEUES } from '../queue/queue-names';
import { workerOptions } from '../queue/worker-options';
import { EventsService } from './events.service';

const EVENT_TASKS_SCHEDULER_ID = 'event-tasks';
const EVENT_TASKS_EVERY_MS = 15 * 60_000;

// Every quarter hour: close registration after the deadline, send the reminder two days before. One scheduler under
// a fixed id; the deadline is also checked at every registration, and the reminder is claimed once per event.
@Processor(QUEUES.events, workerOptions({ concurrency: 1 }))
export class EventTasksCronJob extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(EventTasksCronJob.name);

  constructor(
    private readonly events: EventsService,
    @InjectQueue(QUEUES.events) private readonly queue: Queue,
  ) {
    super();
  }

  onApplicationBootstrap(): Promise<void> {
    return upsertSchedules(
      this.queue,
      [{ id: EVENT_TASKS_SCHEDULER_ID, repeat: { every: EVENT_TASKS_EVERY_MS }, job: { name: JOBS.eventTasks } }],
      this.logger,
    );
  }

  /** `data.now` lets a test (or an operator) run the job for another point in time. */
  async process(job: Job<{ now?: string }>): Promise<{ closed: number; reminders: number }> {
    if (job.name !== JOBS.eventTasks) throw new Error(`Unknown job ${job.name} on queue ${QUEUES.events}`);
    return this.events.runTasks(job.data?.now ? new Date(job.data.now) : new Date());
  }
}
