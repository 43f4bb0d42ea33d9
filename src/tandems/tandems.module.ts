import { UserRepository } from '../auth/user.repository';
import { MailRecipientsRepository } from '../accounts/address-book/mail-recipients.repository';
import { TownRecipientsRepository } from '../accounts/address-book/town-recipients.repository';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { MailModule } from '../mail/mail.module';
import { MatchingModule } from '../matching/matching.module';
import { TownReadModule } from '../municipalities/town-read.module';
import { Tandem } from './tandem.entity';
import { TandemActivityController } from './tandem-activity.controller';
import { TandemActivityRepository } from './tandem-activity.repository';
import { TandemActivityService } from './tandem-activity.service';
import { TandemActivityView } from './tandem-activity.view';
import { TandemPairingController } from './tandem-pairing.controller';
import { TandemPairingPagesController } from './tandem-pairing.pages.controller';
import { TandemPairingViewModel } from './tandem-pairing.view-model';
import { TandemRepository } from './tandem.repository';
import { TandemsController } from './tandems.controller';
import { TandemsPagesController } from './tandems.pages.controller';
import { TandemMailsService } from './tandem-mails.service';
import { TandemProposalsService } from './tandem-proposals.service';
import { TandemStepsService } from './tandem-steps.service';
import { TandemsService } from './tandems.service';
import { TandemsViewModel } from './tandems.view-model';

@Module({
  imports: [TypeOrmModule.forFeature([Tandem]), AuditModule, MailModule, MatchingModule, TownReadModule],
  controllers: [TandemsController, TandemsPagesController, TandemActivityController, TandemPairingController, TandemPairingPagesController],
  providers: [
    TandemsService,
    TandemStepsService,
    TandemMailsService,
    TandemProposalsService,
    TandemRepository,
    UserRepository,
    TownRecipientsRepository,
    MailRecipientsRepository,
    TandemsViewModel,
    TandemActivityService,
    TandemActivityRepository,
    TandemActivityView,
    TandemPairingViewModel,
  ],
  exports: [TandemsService, TandemRepository],
})
export class TandemsModule {}
