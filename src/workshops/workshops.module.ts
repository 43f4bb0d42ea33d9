import { UserRepository } from '../auth/user.repository';
import { MailRecipientsRepository } from '../accounts/address-book/mail-recipients.repository';
import { TownRecipientsRepository } from '../accounts/address-book/town-recipients.repository';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { MailModule } from '../mail/mail.module';
import { MatchingModule } from '../matching/matching.module';
import { TownReadModule } from '../municipalities/town-read.module';
import { WorkshopInvitation } from './workshop-invitation.entity';
import { Workshop } from './workshop.entity';
import { WorkshopRepository } from './workshop.repository';
import { WorkshopsController } from './workshops.controller';
import { WorkshopsPagesController } from './workshops.pages.controller';
import { WorkshopMailsService } from './workshop-mails.service';
import { WorkshopsService } from './workshops.service';
import { WorkshopsViewModel } from './workshops.view-model';

// Contacts and office recipients come from the tandems' repository; scores and reasons from the matcher's.
@Module({
  imports: [TownReadModule, TypeOrmModule.forFeature([Workshop, WorkshopInvitation]), AuditModule, MailModule, MatchingModule],
  controllers: [WorkshopsController, WorkshopsPagesController],
  providers: [
    UserRepository,
    WorkshopsService,
    WorkshopMailsService,
    WorkshopRepository,
    TownRecipientsRepository,
    MailRecipientsRepository,
    WorkshopsViewModel,
  ],
  exports: [WorkshopsService, WorkshopRepository],
})
export class WorkshopsModule {}
