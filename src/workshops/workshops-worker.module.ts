import { UserRepository } from '../auth/user.repository';
import { TownRecipientsRepository } from '../accounts/address-book/town-recipients.repository';
import { Module } from '@nestjs/common';
import { MailModule } from '../mail/mail.module';
import { TownReadModule } from '../municipalities/town-read.module';
import { WorkshopMailsService } from './workshop-mails.service';
import { WorkshopRemindersCronJob } from './workshop-reminders.cron.job';
import { WorkshopRemindersService } from './workshop-reminders.service';
import { WorkshopRepository } from './workshop.repository';

// Worker side: the reminder scheduler, its processor and the mails it sends.
@Module({
  imports: [MailModule, TownReadModule],
  providers: [
    UserRepository,
    WorkshopRepository,
    TownRecipientsRepository,
    WorkshopMailsService,
    WorkshopRemindersService,
    WorkshopRemindersCronJob,
  ],
  exports: [WorkshopRepository],
})
export class WorkshopsWorkerModule {}
