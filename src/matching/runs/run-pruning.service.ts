import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { MatchingRepository } from '../matching.repository';

const TABLES = ['matching_suggestion', 'tandem_round_pair', 'workshop_proposal'] as const;

/**
 * Keeps the current runs and the newest MATCHING_KEEP_RUNS finished ones per kind; deletes the rest in batches
 * (every suggestions run holds ~10 rows per town), so no statement holds locks on a big table for long.
 */
@Injectable()
export class RunPruningService {
  private readonly logger = new Logger(RunPruningService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: MatchingRepository,
  ) {}

  async prune(batch?: number): Promise<{ runs: number; rows: number }> {
    let runs = 0;
    let rows = 0;
    for (const runId of await this.repo.prunableRuns(this.config.matchingKeepRuns)) {
      for (const table of TABLES) {
        let n: number;
        do {
          n = await this.repo.deleteRunRows(table, runId, batch);
          rows += n;
        } while (n > 0);
      }
      if (await this.repo.deleteRun(runId)) runs++;
    }
    if (runs) this.logger.log(`Pruned ${runs} old matching runs (${rows} result rows)`);
    return { runs, rows };
  }
}
