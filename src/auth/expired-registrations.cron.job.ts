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
  async purge(): Promise<void> {
    try {
      const n = await this.users.purgeExpiredRegistrations();
      if (n) this.logger.log(`Deleted ${n} unconfirmed registrations whose link had expired`);
    } catch (err) {
      this.logger.warn(`Purging expired registrations failed: ${(err as Error).message}`);
    }
  }
}
