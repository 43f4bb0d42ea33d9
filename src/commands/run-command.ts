import 'reflect-metadata';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandsModule } from './commands.module';

/** A Nest application context for commands: services by DI, config validated once, errors and warnings logged. */
export function openCommands(): Promise<INestApplicationContext> {
  return NestFactory.createApplicationContext(CommandsModule, { logger: ['error', 'warn'] });
}

/** Runs `work` inside a fresh context and closes the context (and its database pool) afterwards. */
export async function withCommands<T>(work: (app: INestApplicationContext) => Promise<T>): Promise<T> {
  const app = await openCommands();
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}
