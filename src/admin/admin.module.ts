import { Module } from '@nestjs/common';
import { AddressBookModule } from '../accounts/address-book/address-book.module';
import { AuditModule } from '../audit/audit.module';
import { AccountsModule } from '../accounts/accounts.module';
import { AuthModule } from '../auth/auth.module';
import { MailModule } from '../mail/mail.module';
import { MatchingModule } from '../matching/matching.module';
import { MunicipalitiesModule } from '../municipalities/municipalities.module';
import { AdminController } from './admin.controller';
import { OfficeOverviewViewModel } from './office-overview.view-model';
import { OfficeAddressBookPagesController } from './office-address-book.pages.controller';
import { OfficePagesController } from './office.pages.controller';
import { OfficeRepository } from './office.repository';
import { VerificationPagesController } from './verification.pages.controller';
import { RegistrationsViewModel } from './registrations.view-model';
import { SeismographController } from './seismograph.controller';
import { SeismographPagesController } from './seismograph.pages.controller';
import { SeismographRepository } from './seismograph.repository';
import { SeismographViewModel } from './seismograph.view-model';
import { VerificationService } from './verification.service';

@Module({
  imports: [AuthModule, AccountsModule, MunicipalitiesModule, MailModule, AuditModule, MatchingModule, AddressBookModule],
  controllers: [
    AdminController,
    VerificationPagesController,
    OfficePagesController,
    OfficeAddressBookPagesController,
    SeismographController,
    SeismographPagesController,
  ],
  providers: [
    VerificationService,
    RegistrationsViewModel,
    OfficeRepository,
    OfficeOverviewViewModel,
    SeismographRepository,
    SeismographViewModel,
  ],
})
export class AdminModule {}
