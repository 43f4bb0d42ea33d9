import { Module } from '@nestjs/common';
import { MatchingController } from './matching.controller';
import { MatchingPagesController } from './matching.pages.controller';
import { MatchingRepository } from './matching.repository';
import { MatchingService } from './matching.service';
import { MatchingViewModel } from './matching.view-model';

@Module({
  controllers: [MatchingController, MatchingPagesController],
  providers: [MatchingService, MatchingRepository, MatchingViewModel],
  exports: [MatchingService, MatchingViewModel],
})
export class MatchingModule {}
