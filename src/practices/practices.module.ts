import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { MailModule } from '../mail/mail.module';
import { TownReadModule } from '../municipalities/town-read.module';
import { PracticeFollowUpPagesController } from './practice-follow-up.pages.controller';
import { PracticeFollowUpRepository } from './practice-follow-up.repository';
import { PracticeFollowUpService } from './practice-follow-up.service';
import { PracticeRepository } from './practice.repository';
import { PracticesController } from './practices.controller';
import { PracticesPagesController } from './practices.pages.controller';
import { PracticesService } from './practices.service';
import { PracticesViewModel } from './practices.view-model';

// The Methodenkoffer (issue 27): methods, application examples, review, search and export, the follow-up answers.
@Module({
  imports: [TownReadModule, AuditModule, MailModule],
  controllers: [PracticesController, PracticeFollowUpPagesController, PracticesPagesController],
  providers: [PracticeRepository, PracticeFollowUpRepository, PracticesService, PracticeFollowUpService, PracticesViewModel],
  exports: [PracticeRepository, PracticesService],
})
export class PracticesModule {}
