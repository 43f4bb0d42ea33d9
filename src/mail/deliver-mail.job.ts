import { Processor } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { QUEUES } from '../queue/queue-names';
import { dispatchJob } from '../queue/typed-jobs.util';
import { WakeableWorkerHost } from '../queue/wakeable-worker-host';
import { workerOptions } from '../queue/worker-options';
import { MailService } from './mail.service';

@Processor(QUEUES.mail, workerOptions({ concurrency: 4 }))
export class DeliverMailJob extends WakeableWorkerHost {
  constructor(private readonly mail: MailService) {
    super();
  }

  async process(job: Job): Promise<string | number> {
    return dispatchJob<typeof QUEUES.mail, string | number>(QUEUES.mail, job, {
      'deliver-mail': (data) => this.mail.deliver(data.deliveryId),
      // The minute's sweep (schedules.ts): deliveries whose job never ran are queued again.
      'sweep-mail': () => this.mail.redispatchStranded(),
    });
  }
}
