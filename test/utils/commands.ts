import { INestApplicationContext } from '@nestjs/common';
import { openCommands } from '../../src/commands/run-command';
import { TEST_PASSWORD_HASH_ENV } from './test-env';

/** The command-line tools' Nest context (seed, import, office accounts) on a test database. */
export function openTestCommands(databaseUrl: string): Promise<INestApplicationContext> {
  Object.assign(process.env, { NODE_ENV: 'test', DATABASE_URL: databaseUrl, ...TEST_PASSWORD_HASH_ENV });
  return openCommands();
}
