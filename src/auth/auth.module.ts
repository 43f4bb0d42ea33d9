import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AddressBookRepository } from '../address-book/address-book.repository';
import { AuditModule } from '../audit/audit.module';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MailModule } from '../mail/mail.module';
import { MatchingModule } from '../matching/matching.module';
import { MunicipalitiesModule } from '../municipalities/municipalities.module';
import { AccountController } from './account.controller';
import { AccountPagesController } from './account.pages.controller';
import { AccountService } from './account.service';
import { AuthController } from './auth.controller';
import { PersonalDataController } from './personal-data.controller';
import { PersonalDataRepository } from './personal-data.repository';
import { PersonalDataService } from './personal-data.service';
import { AuthPagesController } from './auth.pages.controller';
import { AuthService } from './auth.service';
import { EmailToken } from './email-token.entity';
import { ConfirmationResendRateLimitGuard } from './confirmation-resend-rate-limit.guard';
import { RegistrationRateLimitGuard } from './registration-rate-limit.guard';
import { RegistrationService } from './registration.service';
import { SessionSerializer } from './session.serializer';
import { TownContactsController } from './town-contacts.controller';
import { TownContactsPagesController } from './town-contacts.pages.controller';
import { TownContactsService } from './town-contacts.service';
import { TownContactsViewModel } from './town-contacts.view-model';
import { UserAccount } from './user-account.entity';
import { UserRepository } from './user.repository';

@Module({
  imports: [
    TypeOrmModule.forFeature([UserAccount, EmailToken]),
    PassportModule.register({ session: true }),
    // In-process counters; login uses LoginRateLimitGuard (PostgreSQL, shared by all web processes) instead.
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({ throttlers: [{ name: 'login', ttl: 60_000, limit: config.loginRateLimit }] }),
    }),
    MunicipalitiesModule,
    AuditModule,
    MailModule,
    MatchingModule,
  ],
  controllers: [
    AuthController,
    AuthPagesController,
    AccountController,
    AccountPagesController,
    PersonalDataController,
    TownContactsController,
    TownContactsPagesController,
  ],
  providers: [
    AuthService,
    RegistrationService,
    AccountService,
    PersonalDataService,
    PersonalDataRepository,
    TownContactsService,
    TownContactsViewModel,
    UserRepository,
    SessionSerializer,
    RegistrationRateLimitGuard,
    ConfirmationResendRateLimitGuard,
    // The claim of an address-book entry when its invitation is accepted (issue 25).
    AddressBookRepository,
  ],
  exports: [UserRepository, AuthService, TownContactsService],
})
export class AuthModule {}
