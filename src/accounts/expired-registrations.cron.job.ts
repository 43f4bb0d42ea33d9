import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { upsertSchedules } from '../queue/job-scheduler.util';
import { JOBS, QUEUES } from '../queue/queue-names';
import { workerOptions } from '../queue/worker-options';
import { UserRepository } from '../auth/user.repository';

const PURGE_REGISTRATIONS_SCHEDULER_ID = 'purge-expired-registrations';

// Applications nobody confirmed before the link ran out are deleted hourly (registration also purges the
// one of its own address at once), so no stale row lingers in the office list or the database.
@Processor(QUEUES.accounts, workerOptions({ concurrency: 1 }))
export class ExpiredRegistrationsCronJob extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(ExpiredRegistrationsCronJob.name);
  constructor(
    private readonly users: UserRepository,
    @InjectQueue(QUEUES.accounts) private readonly queue: Queue,
  ) {
    super();
  }

  onApplicationBootstrap(): Promise<void> {
    return upsertSchedules(
      this.queue,
      [
        {
          id: PURGE_REGISTRATIONS_SCHEDULER_ID,
          repeat: { pattern: '17 * * * *', tz: 'Europe/Berlin' },
          job: { name: JOBS.purgeRegistrations },
        },
      ],
      this.logger,
    );
  }

  async process(job: Job): Promise<number | null> {
    if (job.name !== JOBS.purgeRegistrations) throw new Error(`Unknown job ${job.name} on queue ${QUEUES.accounts}`);
    return this.purge();
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
