import { Global, Module } from '@nestjs/common';
import { ConfigModule as NestConfigModule } from '@nestjs/config';
import { APP_CONFIG, appConfig } from './app-config';

// @nestjs/config loads a .env file into process.env; validation runs when the app is created (not at import),
// so a start-up with a wrong variable fails with a message naming it.
@Global()
@Module({
  imports: [NestConfigModule.forRoot({ ignoreEnvFile: process.env.NODE_ENV === 'test' })],
  providers: [{ provide: APP_CONFIG, useFactory: appConfig }],
  exports: [APP_CONFIG],
})
export class ConfigModule {}
