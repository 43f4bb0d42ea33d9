import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Job } from 'bullmq';
import { QUEUES } from '../queue/queue-names';
import { dispatchJob } from '../queue/typed-jobs.util';
import { workerOptions } from '../queue/worker-options';
import { UserRepository } from '../auth/user.repository';

// Applications nobody confirmed before the link ran out are deleted hourly (schedules.ts; registration also purges the
// one of its own address at once), so no stale row lingers in the office list or the database.
@Processor(QUEUES.accounts, workerOptions({ concurrency: 1 }))
export class ExpiredRegistrationsCronJob extends WorkerHost {
  private readonly logger = new Logger(ExpiredRegistrationsCronJob.name);
  constructor(private readonly users: UserRepository) {
    super();
  }

  async process(job: Job): Promise<number | null> {
    return dispatchJob(QUEUES.accounts, job, { 'purge-registrations': () => this.purge() });
  }

  /** How many applications went (logged only when there were any); null when the purge failed. */
  async purge(): Promise<number | null> {
    try {
      const n = await this.users.purgeExpiredRegistrations();
      if (n > 0) this.logger.log(`Deleted ${n} unconfirmed registration${n === 1 ? '' : 's'} whose link had expired`);
      return n;
    } catch (err) {
      this.logger.warn(`Purging expired registrations failed: ${(err as Error).message}`);
      return null;
    }
  }
}
