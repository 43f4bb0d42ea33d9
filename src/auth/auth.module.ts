import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MailModule } from '../mail/mail.module';
import { MunicipalitiesModule } from '../municipalities/municipalities.module';
import { AuthController } from './auth.controller';
import { AuthPagesController } from './auth.pages.controller';
import { AuthService } from './auth.service';
import { EmailToken } from './email-token.entity';
import { RegistrationService } from './registration.service';
import { SessionSerializer } from './session.serializer';
import { UserAccount } from './user-account.entity';
import { UserRepository } from './user.repository';

@Module({
  imports: [
    TypeOrmModule.forFeature([UserAccount, EmailToken]),
    PassportModule.register({ session: true }),
    // Used only on the login routes (ThrottlerGuard there), keyed by client IP.
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({ throttlers: [{ name: 'login', ttl: 60_000, limit: config.loginRateLimit }] }),
    }),
    MunicipalitiesModule,
    AuditModule,
    MailModule,
  ],
  controllers: [AuthController, AuthPagesController],
  providers: [AuthService, RegistrationService, UserRepository, SessionSerializer],
  exports: [UserRepository, AuthService],
})
export class AuthModule {}
