import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { setDefaultBackendFactory } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { ConfigModule } from '../config/config.module';
import { embeddedPostgresBackend } from './embedded-backend';
import { DEFAULT_JOB_OPTIONS, QUEUES } from './queue-names';
import { RecomputeTrigger } from './recompute-trigger.service';

/** Redis in server mode; BullMQ's PostgreSQL backend on the same database in the embedded mode. */
export function bullConnection(config: AppConfig) {
  if (config.queueBackend === 'postgres') {
    // Must be set before the first Queue or Worker is constructed.
    setDefaultBackendFactory(embeddedPostgresBackend as never);
    return { connection: { connectionString: config.databaseUrl, migrate: true } as never, prefix: config.queuePrefix };
  }
  // Back to Redis, BullMQ's default: a process that built an embedded app before (tests boot both) keeps no PostgreSQL.
  setDefaultBackendFactory();
  const url = new URL(config.redisUrl!);
  return {
    connection: {
      host: url.hostname,
      port: Number(url.port || 6379),
      username: url.username || undefined,
      password: url.password ? decodeURIComponent(url.password) : undefined,
      db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
      tls: url.protocol === 'rediss:' ? {} : undefined,
      maxRetriesPerRequest: null,
    },
    prefix: config.queuePrefix,
  };
}

@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      imports: [ConfigModule],
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({ ...bullConnection(config), defaultJobOptions: DEFAULT_JOB_OPTIONS }),
    }),
    BullModule.registerQueue(
      { name: QUEUES.mail },
      { name: QUEUES.mailBulk },
      { name: QUEUES.matching },
      { name: QUEUES.tandems },
      { name: QUEUES.digest },
      { name: QUEUES.workshops },
      { name: QUEUES.accounts },
      { name: QUEUES.practices },
      { name: QUEUES.events },
    ),
  ],
  providers: [RecomputeTrigger],
  exports: [BullModule, RecomputeTrigger],
})
export class QueueModule {}
