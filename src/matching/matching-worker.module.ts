import { Module } from '@nestjs/common';
import { TownReadModule } from '../municipalities/town-read.module';
import { InitialSuggestionsService } from './initial-suggestions.service';
import { MatchingRepository } from './matching.repository';
import { MatchingService } from './matching.service';
import { RecomputeMatchesJob } from './recompute-matches.job';
import { MatchingRunner } from './runs/matching-runner.service';
import { RunPruningService } from './runs/run-pruning.service';
import { SuggestionsRunHandler } from './runs/suggestions-run.handler';
import { TandemRoundRunHandler } from './runs/tandem-round-run.handler';
import { WorkshopsRunHandler } from './runs/workshops-run.handler';

// Worker side: the queue processor (runs and pruning), one handler per run kind (the nightly run's schedule is in queue/schedules.ts).
@Module({
  imports: [TownReadModule],
  providers: [
    MatchingService,
    MatchingRepository,
    MatchingRunner,
    SuggestionsRunHandler,
    TandemRoundRunHandler,
    WorkshopsRunHandler,
    RunPruningService,
    RecomputeMatchesJob,
    InitialSuggestionsService,
  ],
})
export class MatchingWorkerModule {}
