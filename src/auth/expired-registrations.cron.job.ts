import { Injectable, Logger } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { UserRepository } from './user.repository';

// Applications nobody confirmed before the link ran out are deleted hourly (registration also purges the
// one of its own address at once), so no stale row lingers in the office list or the database.
@Injectable()
export class ExpiredRegistrationsCronJob {
  private readonly logger = new Logger(ExpiredRegistrationsCronJob.name);
  constructor(private readonly users: UserRepository) {}

  @Cron('17 * * * *', { name: 'purge-expired-registrations', timeZone: 'Europe/Berlin' })
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
