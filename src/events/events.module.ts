import { Module } from '@nestjs/common';
import { TownRecipientsRepository } from '../accounts/address-book/town-recipients.repository';
import { AuditModule } from '../audit/audit.module';
import { MailModule } from '../mail/mail.module';
import { TownReadModule } from '../municipalities/town-read.module';
import { EventAudienceService } from './event-audience.service';
import { EventRepository } from './event.repository';
import { EventsController } from './events.controller';
import { EventsPagesController } from './events.pages.controller';
import { EventsService } from './events.service';
import { EventsViewModel } from './events.view-model';

// Web side: pages and API. Town profiles through the visibility layer (TownReadModule), recipients through the address book.
@Module({
  imports: [TownReadModule, AuditModule, MailModule],
  controllers: [EventsController, EventsPagesController],
  providers: [EventsService, EventRepository, EventAudienceService, EventsViewModel, TownRecipientsRepository],
  exports: [EventRepository, EventAudienceService],
})
export class EventsModule {}
