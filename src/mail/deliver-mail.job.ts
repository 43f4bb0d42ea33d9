import { Processor } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { JOBS, QUEUES } from '../queue/queue-names';
import { WakeableWorkerHost } from '../queue/wakeable-worker-host';
import { workerOptions } from '../queue/worker-options';
import { MailService } from './mail.service';

@Processor(QUEUES.mail, workerOptions({ concurrency: 4 }))
export class DeliverMailJob extends WakeableWorkerHost {
  constructor(private readonly mail: MailService) {
    super(QUEUES.mail);
  }

  async process(job: Job<{ deliveryId: string }>): Promise<string | number> {
    // The minute's sweep (mail-sweeper.cron.job.ts): deliveries whose job never ran are queued again.
    if (job.name === JOBS.sweepMail) return this.mail.redispatchStranded();
    if (job.name !== JOBS.deliverMail) throw new Error(`Unknown job ${job.name} on queue ${QUEUES.mail}`);
    return this.mail.deliver(job.data.deliveryId);
  }
}
