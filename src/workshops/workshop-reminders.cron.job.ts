import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { QUEUES } from '../queue/queue-names';
import { dispatchJob, jobTime } from '../queue/typed-jobs.util';
import { workerOptions } from '../queue/worker-options';
import { WorkshopRemindersService } from './workshop-reminders.service';

// Reminders 7 days and 1 day before a confirmed workshop, checked once an hour (schedules.ts); a reminder row per
// workshop and kind makes a repeated run send nothing twice.
@Processor(QUEUES.workshops, workerOptions({ concurrency: 1 }))
export class WorkshopRemindersCronJob extends WorkerHost {
  constructor(private readonly reminders: WorkshopRemindersService) {
    super();
  }

  async process(job: Job): Promise<{ reminders: number }> {
    return dispatchJob(QUEUES.workshops, job, {
      'workshop-reminders': async (data) => ({ reminders: await this.reminders.runReminders(jobTime(data)) }),
    });
  }
}
