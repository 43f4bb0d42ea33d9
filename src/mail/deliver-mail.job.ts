import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { JOBS, QUEUES } from '../queue/queue-names';
import { workerOptions } from '../queue/worker-options';
import { MailService } from './mail.service';

@Processor(QUEUES.mail, workerOptions({ concurrency: 4 }))
export class DeliverMailJob extends WorkerHost {
  constructor(private readonly mail: MailService) {
    super();
  }

  async process(job: Job<{ deliveryId: string }>): Promise<string> {
    if (job.name !== JOBS.deliverMail) throw new Error(`Unknown job ${job.name} on queue ${QUEUES.mail}`);
    return this.mail.deliver(job.data.deliveryId);
  }
}
