import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MailModule } from '../mail/mail.module';
import { TownReadModule } from '../municipalities/town-read.module';
import { TandemsWorkerModule } from '../tandems/tandems-worker.module';
import { WorkshopsWorkerModule } from '../workshops/workshops-worker.module';
import { EventsWorkerModule } from '../events/events-worker.module';
import { DigestRecipientRow, DigestRun } from './digest-run.entity';
import { digestProviders } from './digests.module';
import { SendDigestJob } from './send-digest.job';

// Worker side: the digest queue's processor (the weekly schedule is in queue/schedules.ts).
@Module({
  imports: [
    TypeOrmModule.forFeature([DigestRun, DigestRecipientRow]),
    MailModule,
    TownReadModule,
    TandemsWorkerModule,
    WorkshopsWorkerModule,
    EventsWorkerModule,
  ],
  providers: [...digestProviders, SendDigestJob],
})
export class DigestsWorkerModule {}
