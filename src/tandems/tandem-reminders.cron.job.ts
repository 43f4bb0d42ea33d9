import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { QUEUES } from '../queue/queue-names';
import { dispatchJob, jobTime } from '../queue/typed-jobs.util';
import { workerOptions } from '../queue/worker-options';
import { TandemActivityService } from './tandem-activity.service';
import { TandemRemindersService } from './tandem-reminders.service';

// The fit check (TANDEM_FIT_CHECK_WEEKS after the start), reminders (7 and 14 days; approved but not started:
// TANDEM_START_REMINDER_DAYS) and expiry (30 days; not started: TANDEM_START_EXPIRY_DAYS) once an hour (schedules.ts);
// dedupe keys make repeated runs harmless.
@Processor(QUEUES.tandems, workerOptions({ concurrency: 1 }))
export class TandemRemindersCronJob extends WorkerHost {
  constructor(
    private readonly reminders: TandemRemindersService,
    private readonly activity: TandemActivityService,
  ) {
    super();
  }

  async process(
    job: Job,
  ): Promise<{ expired: number; reminders: number; fitChecks: number; silenceReminders: number; resting: number; dormant: number }> {
    return dispatchJob(QUEUES.tandems, job, {
      'tandem-reminders': async (data) => {
        const now = jobTime(data);
        // Then the activity rules (issue 23): silent tandems (TANDEM_SILENCE_WEEKS) and dormant towns (TOWN_DORMANT_MONTHS).
        return { ...(await this.reminders.runReminders(now)), ...(await this.activity.run(now)) };
      },
    });
  }
}
