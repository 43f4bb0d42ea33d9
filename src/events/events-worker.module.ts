import { Module } from '@nestjs/common';
import { TownRecipientsRepository } from '../accounts/address-book/town-recipients.repository';
import { AuditModule } from '../audit/audit.module';
import { MailModule } from '../mail/mail.module';
import { TownReadModule } from '../municipalities/town-read.module';
import { EventAudienceService } from './event-audience.service';
import { EventTasksCronJob } from './event-tasks.cron.job';
import { EventRepository } from './event.repository';
import { EventsService } from './events.service';

// Worker side: the deadline and reminder scheduler and its processor.
@Module({
  imports: [TownReadModule, AuditModule, MailModule],
  providers: [EventsService, EventRepository, EventAudienceService, TownRecipientsRepository, EventTasksCronJob],
  exports: [EventRepository, EventAudienceService],
})
export class EventsWorkerModule {}
