import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { AuthModule } from '../auth/auth.module';
import { MailModule } from '../mail/mail.module';
import { MatchingModule } from '../matching/matching.module';
import { MunicipalitiesModule } from '../municipalities/municipalities.module';
import { AdminController } from './admin.controller';
import { VerificationPagesController } from './verification.pages.controller';
import { RegistrationsViewModel } from './registrations.view-model';
import { VerificationService } from './verification.service';

@Module({
  imports: [AuthModule, MunicipalitiesModule, MailModule, AuditModule, MatchingModule],
  controllers: [AdminController, VerificationPagesController],
  providers: [VerificationService, RegistrationsViewModel],
})
export class AdminModule {}
