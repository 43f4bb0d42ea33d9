import { Module } from '@nestjs/common';
import { TownRecipientsRepository } from '../accounts/address-book/town-recipients.repository';
import { AuditModule } from '../audit/audit.module';
import { UserRepository } from '../auth/user.repository';
import { PracticesModule } from '../practices/practices.module';
import { MailModule } from '../mail/mail.module';
import { TownReadModule } from '../municipalities/town-read.module';
import { EventAudienceService } from './event-audience.service';
import { EventPracticeService } from './event-practice.service';
import { EventProposalsService } from './event-proposals.service';
import { EventRepository } from './event.repository';
import { EventsController } from './events.controller';
import { EventsPagesController } from './events.pages.controller';
import { EventsService } from './events.service';
import { EventsViewModel } from './events.view-model';

// Web side: pages and API. Town profiles through the visibility layer (TownReadModule), recipients through the address book;
// a documented event's Methodenkoffer draft through the practices module (a lower layer).
@Module({
  imports: [TownReadModule, AuditModule, MailModule, PracticesModule],
  controllers: [EventsController, EventsPagesController],
  providers: [
    EventsService,
    EventProposalsService,
    EventPracticeService,
    EventRepository,
    EventAudienceService,
    EventsViewModel,
    TownRecipientsRepository,
    UserRepository,
  ],
  exports: [EventRepository, EventAudienceService],
})
export class EventsModule {}
