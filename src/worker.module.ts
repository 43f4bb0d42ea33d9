import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AccountsWorkerModule } from './accounts/accounts-worker.module';
import { loggerOptions } from './common/logger.options';
import { APP_CONFIG } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { DigestsWorkerModule } from './digests/digests-worker.module';
import { MailWorkerModule } from './mail/mail-worker.module';
import { MatchingWorkerModule } from './matching/matching-worker.module';
import { PracticesWorkerModule } from './practices/practices-worker.module';
import { JobSchedulers } from './queue/job-schedulers.service';
import { QueueModule } from './queue/queue.module';
import { TandemsWorkerModule } from './tandems/tandems-worker.module';
import { WorkshopsWorkerModule } from './workshops/workshops-worker.module';
import { EventsWorkerModule } from './events/events-worker.module';

// The worker: BullMQ processors and the job schedulers (queue/schedules.ts, the only timer mechanism), no HTTP.
@Module({
  imports: [
    ConfigModule,
    LoggerModule.forRootAsync({ inject: [APP_CONFIG], useFactory: loggerOptions }),
    DatabaseModule,
    QueueModule,
    MailWorkerModule,
    MatchingWorkerModule,
    TandemsWorkerModule,
    AccountsWorkerModule,
    DigestsWorkerModule,
    WorkshopsWorkerModule,
    PracticesWorkerModule,
    EventsWorkerModule,
  ],
  providers: [JobSchedulers],
})
export class WorkerModule {}
