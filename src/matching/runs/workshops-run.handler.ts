import { Injectable } from '@nestjs/common';
import { townsWithExampleOn } from '../core/example-evidence.util';
import { DEFAULT_WORKSHOP_OPTIONS, workshopGroups } from '../core/workshop-groups.util';
import { MatchingRepository } from '../matching.repository';
import type { RunRow, WorkshopsSummary } from '../matching.read-models';
import type { RunHandler, RunInput } from './run-handler';

/** Workshop groups for the run's theme, reproducible from the stored seed. */
@Injectable()
export class WorkshopsRunHandler implements RunHandler {
  readonly kind = 'workshops' as const;

  constructor(private readonly repo: MatchingRepository) {}

  async handle(run: RunRow, { ctx, towns, examples, fingerprint }: RunInput): Promise<void> {
    // Towns with a published example on the theme are preferred as a group's experienced member (issue 27).
    const r = workshopGroups(ctx, towns, run.theme!, {
      ...DEFAULT_WORKSHOP_OPTIONS,
      ...run.params,
      seed: run.seed,
      exampleTowns: townsWithExampleOn(examples, run.theme!),
    });
    const names = new Map(towns.map((t) => [t.id, t.name]));
    const summary: WorkshopsSummary = {
      towns: towns.length,
      groups: r.groups.length,
      leftOut: r.leftOut.map((l) => ({ ...l, name: names.get(l.townId) })),
    };
    await this.repo.completeRun(run.id, 'workshops', { fingerprint, summary, theme: run.theme }, (m) =>
      this.repo.insertWorkshopGroups(
        m,
        run.id,
        r.groups.map((g, i) => ({ groupNo: i + 1, townIds: g.townIds, score: g.score })),
      ),
    );
  }
}
