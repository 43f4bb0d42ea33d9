import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { QUEUES } from '../queue/queue-names';
import { dispatchJob, jobTime } from '../queue/typed-jobs.util';
import { workerOptions } from '../queue/worker-options';
import { EventsService } from './events.service';

// Every quarter hour (schedules.ts): close registration after the deadline, send the reminder two days before. The
// deadline is also checked at every registration, and the reminder is claimed once per event.
@Processor(QUEUES.events, workerOptions({ concurrency: 1 }))
export class EventTasksCronJob extends WorkerHost {
  constructor(private readonly events: EventsService) {
    super();
  }

  async process(job: Job): Promise<{ closed: number; reminders: number }> {
    return dispatchJob(QUEUES.events, job, { 'event-tasks': (data) => this.events.runTasks(jobTime(data)) });
  }
}
