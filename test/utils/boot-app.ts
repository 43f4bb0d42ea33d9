import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import passport from 'passport';
import { AppModule } from '../../src/app.module';
import { setupApp } from '../../src/app.setup';
import { WorkerModule } from '../../src/worker.module';
import { bootedTest, connectAndSettle, startTestStack, type BootOptions, type BootedTest } from './test-stack';

export { MODES, type TestMode } from './test-stack';

export interface TestApp extends BootedTest {
  app: NestExpressApplication;
}

/**
 * Boots the real AppModule (HTTP) and WorkerModule (BullMQ) against a fresh database and an SMTP catcher: on the
 * servers (PostgreSQL, Redis), or on the embedded default (PGlite over its socket, BullMQ on PostgreSQL).
 */
export async function bootApp(name: string, env: Record<string, string> = {}, opts: BootOptions = {}): Promise<TestApp> {
  forgetEarlierApps();
  const stack = await startTestStack(name, env, opts);
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ logger: ['error', 'warn'], bodyParser: false });
  const { close: closeSetup } = setupApp(app);
  await app.listen(stack.port, '127.0.0.1');
  const worker = await NestFactory.createApplicationContext(WorkerModule, { logger: ['error', 'warn'] });
  await worker.init();
  const db = await connectAndSettle(stack, name);
  return {
    ...bootedTest(stack, worker, db, async () => {
      await worker.close();
      await app.close();
      await closeSetup();
    }),
    app,
  };
}

/**
 * passport keeps its (de)serializers in one module-wide instance, and every app registers its SessionSerializer
 * there. A file that boots a second app (both modes, one after the other) would have each session read by the
 * first, closed app ("Driver not Connected"). One process runs one app in production; here each boot starts as a
 * fresh process would.
 */
function forgetEarlierApps(): void {
  const instance = passport as unknown as { _serializers: unknown[]; _deserializers: unknown[] };
  instance._serializers.length = 0;
  instance._deserializers.length = 0;
}
