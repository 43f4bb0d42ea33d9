import { Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { AuditModule } from '../audit/audit.module';
import { AuthModule } from '../auth/auth.module';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MailModule } from '../mail/mail.module';
import { MunicipalitiesModule } from '../municipalities/municipalities.module';
import { AccountController } from './account.controller';
import { AccountPagesController } from './account.pages.controller';
import { AccountService } from './account.service';
import { AddressBookRepository } from './address-book/address-book.repository';
import { AuthController } from './auth.controller';
import { AuthPagesController } from './auth.pages.controller';
import { ConfirmationResendRateLimitGuard } from './confirmation-resend-rate-limit.guard';
import { PersonalDataController } from './personal-data.controller';
import { AccountErasure } from './account-erasure.service';
import { PersonalDataRepository } from './personal-data.repository';
import { PersonalDataService } from './personal-data.service';
import { RegistrationRateLimitGuard } from './registration-rate-limit.guard';
import { RegistrationService } from './registration.service';
import { TownContactsController } from './town-contacts.controller';
import { TownContactsPagesController } from './town-contacts.pages.controller';
import { TownContactsService } from './town-contacts.service';
import { TownContactsViewModel } from './town-contacts.view-model';

/** Accounts: registration, sign-in pages, password reset, a town's contacts and invitations, personal data (DSGVO). */
@Module({
  imports: [
    AuthModule,
    // In-process counters; login uses LoginRateLimitGuard (PostgreSQL, shared by all web processes) instead.
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({ throttlers: [{ name: 'login', ttl: 60_000, limit: config.loginRateLimit }] }),
    }),
    MunicipalitiesModule,
    AuditModule,
    MailModule,
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
    RegistrationService,
    AccountService,
    PersonalDataService,
    PersonalDataRepository,
    AccountErasure,
    TownContactsService,
    TownContactsViewModel,
    RegistrationRateLimitGuard,
    ConfirmationResendRateLimitGuard,
    // The claim of an address-book entry when its invitation is accepted (issue 25).
    AddressBookRepository,
  ],
  exports: [TownContactsService],
})
export class AccountsModule {}
