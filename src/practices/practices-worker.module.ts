import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { MailModule } from '../mail/mail.module';
import { TownReadModule } from '../municipalities/town-read.module';
import { PracticeFollowUpCronJob } from './practice-follow-up.cron.job';
import { PracticeFollowUpRepository } from './practice-follow-up.repository';
import { PracticeFollowUpService } from './practice-follow-up.service';
import { PracticeRepository } from './practice.repository';

// Worker side of the Methodenkoffer: the daily follow-up scheduler and its processor.
@Module({
  imports: [TownReadModule, AuditModule, MailModule],
  providers: [PracticeRepository, PracticeFollowUpRepository, PracticeFollowUpService, PracticeFollowUpCronJob],
})
export class PracticesWorkerModule {}
