import { Module } from '@nestjs/common';
import { TownReadModule } from '../municipalities/town-read.module';
import { MatchScoringService } from './match-scoring.service';
import { MatchingController } from './matching.controller';
import { MatchingPagesController } from './matching.pages.controller';
import { MatchingRepository } from './matching.repository';
import { MatchingService } from './matching.service';
import { MatchingViewModel } from './matching.view-model';

@Module({
  imports: [TownReadModule],
  controllers: [MatchingController, MatchingPagesController],
  providers: [MatchingService, MatchingRepository, MatchingViewModel, MatchScoringService],
  exports: [MatchingService, MatchingViewModel, MatchScoringService],
})
export class MatchingModule {}
