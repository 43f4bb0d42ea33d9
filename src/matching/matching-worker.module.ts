import { Module } from '@nestjs/common';
import { InitialSuggestionsService } from './initial-suggestions.service';
import { MatchingRepository } from './matching.repository';
import { MatchingService } from './matching.service';
import { NightlyMatchingCronJob } from './nightly-matching.cron.job';
import { RecomputeMatchesJob } from './recompute-matches.job';

// Worker side: the queue processor and the nightly trigger.
@Module({ providers: [MatchingService, MatchingRepository, RecomputeMatchesJob, NightlyMatchingCronJob, InitialSuggestionsService] })
export class MatchingWorkerModule {}
