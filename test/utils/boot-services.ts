import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../../src/app.module';
import { WorkerModule } from '../../src/worker.module';
import { bootedTest, connectAndSettle, startTestStack, type BootOptions, type BootedTest } from './test-stack';

export interface TestServices extends BootedTest {
  /** The web side's services (requests, answers, view models), only when booted with `web: true`; no HTTP. */
  web?: INestApplicationContext;
}

/**
 * The service layer on the real database, without HTTP: the WorkerModule's context (and, for web-side services, the
 * AppModule's context, never listening) against a fresh database and an SMTP catcher, in either mode. For what e2e
 * files checked below the page; the page and its HTTP answers stay in test/e2e (bootApp).
 */
export async function bootServices(
  name: string,
  env: Record<string, string> = {},
  opts: BootOptions & { web?: boolean } = {},
): Promise<TestServices> {
  const stack = await startTestStack(name, env, opts);
  const worker = await NestFactory.createApplicationContext(WorkerModule, { logger: ['error', 'warn'] });
  await worker.init();
  const web = opts.web ? await NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'] }) : undefined;
  await web?.init();
  const db = await connectAndSettle(stack, name);
  return {
    ...bootedTest(stack, worker, db, async () => {
      await web?.close();
      await worker.close();
    }),
    web,
  };
}
