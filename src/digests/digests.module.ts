import { UserRepository } from '../auth/user.repository';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MailModule } from '../mail/mail.module';
import { TownReadModule } from '../municipalities/town-read.module';
import { DigestRecipientRow, DigestRun } from './digest-run.entity';
import { DIGEST_SECTION_PROVIDERS, DigestSectionProvider } from './digest-section.provider';
import { DigestRepository } from './digest.repository';
import { EventsModule } from '../events/events.module';
import { EventsSectionProvider } from './events-section.provider';
import { DigestsPagesController } from './digests.pages.controller';
import { DigestsService } from './digests.service';
import { NewExamplesSectionProvider } from './new-examples-section.provider';
import { NewTownsSectionProvider } from './new-towns-section.provider';
import { SuggestionsSectionProvider } from './suggestions-section.provider';
import { OpenTandemsOfBatch, OwnTandemsSectionProvider, TandemRequestsSectionProvider } from './tandem-sections.provider';
import { TandemsModule } from '../tandems/tandems.module';
import { WorkshopsModule } from '../workshops/workshops.module';
import { WorkshopInvitationsSectionProvider } from './workshop-invitations-section.provider';

// The digest's sections, in the order the email shows them: what waits for an answer first. A module that adds one
// provides a DigestSectionProvider and lists it here.
const SECTION_PROVIDERS = [
  TandemRequestsSectionProvider,
  WorkshopInvitationsSectionProvider,
  EventsSectionProvider,
  SuggestionsSectionProvider,
  NewTownsSectionProvider,
  NewExamplesSectionProvider,
  OwnTandemsSectionProvider,
];

export const digestProviders = [
  DigestRepository,
  UserRepository,
  DigestsService,
  OpenTandemsOfBatch,
  ...SECTION_PROVIDERS,
  { provide: DIGEST_SECTION_PROVIDERS, useFactory: (...ps: DigestSectionProvider[]) => ps, inject: SECTION_PROVIDERS },
];

@Module({
  imports: [
    TypeOrmModule.forFeature([DigestRun, DigestRecipientRow]),
    MailModule,
    TownReadModule,
    TandemsModule,
    WorkshopsModule,
    EventsModule,
  ],
  controllers: [DigestsPagesController],
  providers: digestProviders,
  exports: [DigestsService],
})
export class DigestsModule {}
