import { Module } from '@nestjs/common';
import { MatchingController } from './matching.controller';
import { MatchingPagesController } from './matching.pages.controller';
import { MatchingRepository } from './matching.repository';
import { MatchingService } from './matching.service';

@Module({
  controllers: [MatchingController, MatchingPagesController],
  providers: [MatchingService, MatchingRepository],
  exports: [MatchingService],
})
export class MatchingModule {}
