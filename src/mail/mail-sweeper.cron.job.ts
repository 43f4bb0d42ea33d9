import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Queue } from 'bullmq';
import { upsertSchedules } from '../queue/job-scheduler.util';
import { JOBS, QUEUES } from '../queue/queue-names';

const MAIL_SWEEP_SCHEDULER_ID = 'mail-sweep';

// Safety net for "no promised email is lost": every minute a sweep job (taken by deliver-mail.job.ts) re-queues
// deliveries whose job never ran. One scheduler for the whole cluster, not one timer per worker.
@Injectable()
export class MailSweeperCronJob implements OnApplicationBootstrap {
  private readonly logger = new Logger(MailSweeperCronJob.name);
  constructor(@InjectQueue(QUEUES.mail) private readonly queue: Queue) {}

  onApplicationBootstrap(): Promise<void> {
    return upsertSchedules(
      this.queue,
      [{ id: MAIL_SWEEP_SCHEDULER_ID, repeat: { every: 60_000 }, job: { name: JOBS.sweepMail, attempts: 1 } }],
      this.logger,
    );
  }
}
