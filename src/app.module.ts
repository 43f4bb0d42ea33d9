import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { AdminModule } from './admin/admin.module';
import { AccountsModule } from './accounts/accounts.module';
import { AuthModule } from './auth/auth.module';
import { RolesGuard } from './auth/roles.guard';
import { HttpExceptionFilter } from './common/http-exception.filter';
import { PageCacheModule } from './security/page-cache.module';
import { APP_CONFIG } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { DigestsModule } from './digests/digests.module';
import { HealthModule } from './health/health.module';
import { LegalModule } from './legal/legal.module';
import { MatchingModule } from './matching/matching.module';
import { OutboxModule } from './mail/outbox.module';
import { MunicipalitiesModule } from './municipalities/municipalities.module';
import { QueueModule } from './queue/queue.module';
import { QueueBoardModule } from './admin/queue-board.module';
import { TandemsModule } from './tandems/tandems.module';
import { WorkshopsModule } from './workshops/workshops.module';
import { PracticesModule } from './practices/practices.module';
import { EventsModule } from './events/events.module';
import { loggerOptions } from './common/logger.options';
import { SecurityModule } from './security/security.module';

@Module({
  imports: [
    ConfigModule,
    LoggerModule.forRootAsync({ inject: [APP_CONFIG], useFactory: loggerOptions }),
    DatabaseModule,
    SecurityModule,
    PageCacheModule,
    QueueModule,
    MunicipalitiesModule,
    AuthModule,
    AccountsModule,
    AdminModule,
    MatchingModule,
    DigestsModule,
    TandemsModule,
    WorkshopsModule,
    PracticesModule,
    EventsModule,
    HealthModule,
    LegalModule,
    OutboxModule.whenEnabled(),
    QueueBoardModule.register(),
  ],
  providers: [
    { provide: APP_GUARD, useClass: RolesGuard },
    { provide: APP_FILTER, useClass: HttpExceptionFilter },
  ],
})
export class AppModule {}
