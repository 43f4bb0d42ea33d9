import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { MailModule } from '../mail/mail.module';
import { TownReadModule } from '../municipalities/town-read.module';
import { PracticeRepository } from './practice.repository';
import { PracticesController } from './practices.controller';
import { PracticesPagesController } from './practices.pages.controller';
import { PracticesService } from './practices.service';
import { PracticesViewModel } from './practices.view-model';

// The Methodenkoffer (issue 27): methods, application examples, review, search and export.
@Module({
  imports: [TownReadModule, AuditModule, MailModule],
  controllers: [PracticesController, PracticesPagesController],
  providers: [PracticeRepository, PracticesService, PracticesViewModel],
  exports: [PracticeRepository],
})
export class PracticesModule {}
