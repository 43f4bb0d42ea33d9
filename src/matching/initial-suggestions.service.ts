import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { MatchingService } from './matching.service';

// A fresh installation (or one restored from a backup without runs) gets suggestions at once, not only at night.
@Injectable()
export class InitialSuggestionsService implements OnApplicationBootstrap {
  private readonly logger = new Logger(InitialSuggestionsService.name);
  constructor(private readonly matching: MatchingService) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      if (!(await this.matching.currentRunHead('suggestions'))) await this.matching.startRun('suggestions', { trigger: 'startup' });
    } catch (err) {
      // Another worker started it first (409), or the database is not ready yet: the nightly run catches up.
      this.logger.log(`No start-up suggestions run: ${(err as Error).message}`);
    }
  }
}
