import { Module } from '@nestjs/common';
import { DeliverBulkMailJob } from './deliver-bulk-mail.job';
import { DeliverMailJob } from './deliver-mail.job';
import { MailSweeperCronJob } from './mail-sweeper.cron.job';
import { MailModule } from './mail.module';

// Loaded only by the worker entry point: processors and the sweeper.
@Module({ imports: [MailModule], providers: [DeliverMailJob, DeliverBulkMailJob, MailSweeperCronJob] })
export class MailWorkerModule {}
