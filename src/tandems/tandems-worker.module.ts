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
import { TandemMailsService } from './tandem-mails.service';
import { TandemRemindersService } from './tandem-reminders.service';
import { TandemStepsService } from './tandem-steps.service';

// Worker side: the reminder/expiry scheduler, its processor and the steps it takes.
@Module({
  imports: [AuditModule, MailModule, TownReadModule],
  providers: [
    TandemRemindersService,
    TandemStepsService,
    TandemMailsService,
    TandemRepository,
    UserRepository,
    TownRecipientsRepository,
    TandemRemindersCronJob,
    TandemActivityService,
    TandemActivityRepository,
  ],
  // The digest (worker side) reads open tandems from the repository.
  exports: [TandemRepository],
})
export class TandemsWorkerModule {}
