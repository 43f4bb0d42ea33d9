import { Processor } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { QUEUES } from '../queue/queue-names';
import { dispatchJob } from '../queue/typed-jobs.util';
import { WakeableWorkerHost } from '../queue/wakeable-worker-host';
import { workerOptions } from '../queue/worker-options';
import { MailService } from './mail.service';

// Bulk mail (the digest): the same claim-send-mark as the mail queue, many jobs side by side (their claims and marks
// batched), over pooled SMTP connections. One mail per recipient and run, so no order between them to keep.
@Processor(QUEUES.mailBulk, workerOptions({ concurrency: 32 }))
export class DeliverBulkMailJob extends WakeableWorkerHost {
  constructor(private readonly mail: MailService) {
    super();
  }

  async process(job: Job): Promise<string> {
    return dispatchJob(QUEUES.mailBulk, job, { 'deliver-mail': (data) => this.mail.deliver(data.deliveryId, { bulk: true }) });
  }
}
