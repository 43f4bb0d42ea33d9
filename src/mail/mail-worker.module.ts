import { Module } from '@nestjs/common';
import { DeliverBulkMailJob } from './deliver-bulk-mail.job';
import { DeliverMailJob } from './deliver-mail.job';
import { MailModule } from './mail.module';

// Loaded only by the worker entry point: the processors (the sweep's schedule is in queue/schedules.ts).
@Module({ imports: [MailModule], providers: [DeliverMailJob, DeliverBulkMailJob] })
export class MailWorkerModule {}
