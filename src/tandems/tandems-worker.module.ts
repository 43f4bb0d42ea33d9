import { UserRepository } from '../auth/user.repository';
import { TownRecipientsRepository } from '../accounts/address-book/town-recipients.repository';
import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { MailModule } from '../mail/mail.module';
import { TownReadModule } from '../municipalities/town-read.module';
import { TandemActivityRepository } from './tandem-activity.repository';
import { TandemActivityService } from './tandem-activity.service';
import { TandemRemindersCronJob } from './tandem-reminders.cron.job';
import { TandemRepository } from './tandem.repository';
import { TandemsService } from './tandems.service';

// Worker side: the reminder/expiry scheduler and its processor.
@Module({
  imports: [AuditModule, MailModule, TownReadModule],
  providers: [
    TandemsService,
    TandemRepository,
    UserRepository,
    TownRecipientsRepository,
    TandemRemindersCronJob,
    TandemActivityService,
    TandemActivityRepository,
  ],
  // The digest (worker side) reads openForTown from either.
  exports: [TandemsService, TandemRepository],
})
export class TandemsWorkerModule {}
