import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { QUEUES } from '../queue/queue-names';
import { dispatchJob, jobTime } from '../queue/typed-jobs.util';
import { workerOptions } from '../queue/worker-options';
import { PracticeFollowUpService } from './practice-follow-up.service';

// Once a day, 9:00 Berlin time (schedules.ts), the follow-ups that came due (issue 27). The rows in practice_follow_up
// are the state: a run that repeats, or two workers, find nothing left to ask and send nothing twice.
@Processor(QUEUES.practices, workerOptions({ concurrency: 1 }))
export class PracticeFollowUpCronJob extends WorkerHost {
  constructor(private readonly followUps: PracticeFollowUpService) {
    super();
  }

  async process(job: Job): Promise<{ asked: number; mails: number }> {
    return dispatchJob(QUEUES.practices, job, { 'practice-follow-ups': (data) => this.followUps.run(jobTime(data)) });
  }
}
