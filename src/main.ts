import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { setupApp } from './app.setup';
import { APP_CONFIG, type AppConfig } from './config/app-config';

async function bootstrap() {
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(Logger));
  const { close } = setupApp(app);
  app.enableShutdownHooks();
  const config = app.get<AppConfig>(APP_CONFIG);
  // Embedded mode: loopback unless HOST says otherwise (config/listen-host.ts); the launcher prints any warning.
  await app.listen(config.port, config.host);
  app
    .get(Logger)
    .log(
      `Kleinstadt-Tandem web listening on ${config.host}:${config.port}${config.loopbackOnly ? ' (this machine only)' : ''}, public URL ${config.appUrl} (mode: ${config.mode})`,
    );
  process.once('beforeExit', () => void close());
}

bootstrap().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
