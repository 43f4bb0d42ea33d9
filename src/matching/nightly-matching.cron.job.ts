import { Injectable } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { MatchingService } from './matching.service';

// Every night the suggestions are recomputed (cool-downs expire, new towns appear); deduplicated across workers.
@Injectable()
export class NightlyMatchingCronJob {
  constructor(private readonly matching: MatchingService) {}

  @Cron('0 3 * * *', { timeZone: 'Europe/Berlin' })
  run(): Promise<void> {
    return this.matching.requestRecompute('nightly');
  }
}
