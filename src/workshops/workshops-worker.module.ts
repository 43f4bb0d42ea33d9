import { UserRepository } from '../auth/user.repository';
import { TownRecipientsRepository } from '../accounts/address-book/town-recipients.repository';
import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { MailModule } from '../mail/mail.module';
import { TownReadModule } from '../municipalities/town-read.module';
import { MatchingRepository } from '../matching/matching.repository';
import { MatchScoringService } from '../matching/match-scoring.service';
import { MatchingService } from '../matching/matching.service';
import { WorkshopRemindersCronJob } from './workshop-reminders.cron.job';
import { WorkshopRepository } from './workshop.repository';
import { WorkshopsService } from './workshops.service';

// Worker side: the reminder scheduler and its processor.
@Module({
  imports: [TownReadModule, AuditModule, MailModule],
  providers: [
    UserRepository,
    WorkshopsService,
    WorkshopRepository,
    TownRecipientsRepository,
    WorkshopRemindersCronJob,
    MatchingService,
    MatchingRepository,
    MatchScoringService,
  ],
  exports: [WorkshopRepository],
})
export class WorkshopsWorkerModule {}
