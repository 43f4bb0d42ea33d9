import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { WorkerModule } from './worker.module';

async function bootstrap() {
  const app = await NestFactory.createApplicationContext(WorkerModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  // BullMQ's Worker.close() can wait forever while a Redis connection is still reconnecting
  // (taskforcesh/bullmq#4656): a stop signal gets 15 s of graceful shutdown, then the process exits anyway.
  // Jobs carry row ids and claim their row, so one cut short is simply run again.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => setTimeout(() => process.exit(1), 15_000).unref());
  app.get(Logger).log('Kleinstadt-Tandem worker started');
}

bootstrap().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
