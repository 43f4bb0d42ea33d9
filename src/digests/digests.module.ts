import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MailModule } from '../mail/mail.module';
import { DigestRecipientRow, DigestRun } from './digest-run.entity';
import { DIGEST_SECTION_PROVIDERS, DigestSectionProvider } from './digest-section.provider';
import { DigestRepository } from './digest.repository';
import { DigestsPagesController } from './digests.pages.controller';
import { DigestsService } from './digests.service';
import { NewTownsSectionProvider } from './new-towns-section.provider';
import { SuggestionsSectionProvider } from './suggestions-section.provider';

// The digest's sections, in the order the email shows them. A module that adds one (tandem requests, workshop
// invitations) provides a DigestSectionProvider and lists it here.
const SECTION_PROVIDERS = [SuggestionsSectionProvider, NewTownsSectionProvider];

export const digestProviders = [
  DigestRepository,
  DigestsService,
  ...SECTION_PROVIDERS,
  { provide: DIGEST_SECTION_PROVIDERS, useFactory: (...ps: DigestSectionProvider[]) => ps, inject: SECTION_PROVIDERS },
];

@Module({
  imports: [TypeOrmModule.forFeature([DigestRun, DigestRecipientRow]), MailModule],
  controllers: [DigestsPagesController],
  providers: digestProviders,
  exports: [DigestsService],
})
export class DigestsModule {}
