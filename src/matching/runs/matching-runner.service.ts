import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { createHash } from 'node:crypto';
import { JOBS, QUEUES } from '../../queue/queue-names';
import { addJob } from '../../queue/typed-jobs.util';
import type { PublishedExample } from '../core/example-evidence.util';
import { officeOnlyOf, type ReasonField, visiblePartOf } from '../core/reason-visibility.util';
import { buildContext } from '../core/score.util';
import { DEFAULT_WEIGHTS, MatchWeights } from '../core/weights';
import type { RunKind, RunRow } from '../matching.read-models';
import { TownReadRepository } from '../../municipalities/town-read.repository';
import { MatchingRepository, toMatchTown, type TownRow } from '../matching.repository';
import type { RunHandler, RunInput } from './run-handler';
import { SuggestionsRunHandler } from './suggestions-run.handler';
import { TandemRoundRunHandler } from './tandem-round-run.handler';
import { WorkshopsRunHandler } from './workshops-run.handler';

/** Worker side: loads the input once, hands the run to its kind's handler, then schedules pruning of old runs. */
@Injectable()
export class MatchingRunner {
  private readonly logger = new Logger(MatchingRunner.name);
  private readonly handlers: Record<RunKind, RunHandler>;

  constructor(
    private readonly repo: MatchingRepository,
    private readonly towns: TownReadRepository,
    @InjectQueue(QUEUES.matching) private readonly queue: Queue,
    suggestions: SuggestionsRunHandler,
    round: TandemRoundRunHandler,
    workshops: WorkshopsRunHandler,
  ) {
    this.handlers = { suggestions, tandem_round: round, workshops };
  }

  /** The job body. A run that is no longer 'running' (done, failed, or a re-delivered job) is left alone. */
  async execute(runId: string): Promise<void> {
    const run = await this.repo.findRun(runId);
    if (!run || run.status !== 'running') return;
    try {
      await this.handlers[run.kind].handle(run, await this.input(run));
    } catch (err) {
      await this.repo.failRun(runId, (err as Error).message);
      throw err;
    }
    await this.schedulePruning();
  }

  private async input(run: RunRow): Promise<RunInput> {
    const [rows, history, livePairs, names, activity, published] = await Promise.all([
      this.towns.eligibleTowns(),
      this.repo.pairHistory(),
      this.repo.liveTandemPairs(),
      this.towns.topicNames(),
      this.towns.lastActivity(),
      this.repo.publishedExamples(),
    ]);
    const examples: Record<string, PublishedExample[]> = {};
    for (const { townId, ...e } of published) (examples[townId] ??= []).push(e);
    // Whole days, counted at the start of the run: the same day gives the same input (and fingerprint).
    const now = Date.now();
    const silentDays = Object.fromEntries(
      activity.map((a) => [a.id, Math.max(0, Math.floor((now - new Date(a.lastActiveAt).getTime()) / 86_400_000))]),
    );
    const towns = rows.map(toMatchTown);
    const weights: MatchWeights = { ...DEFAULT_WEIGHTS, ...run.weights };
    const officeOnly = officeOnlyFields(rows);
    const networkTowns = towns.map((t) => visiblePartOf(t, officeOnly.get(t.id) ?? NOTHING_HIDDEN));
    return {
      towns,
      ctx: buildContext(towns, weights, names),
      network: { towns: networkTowns, ctx: buildContext(networkTowns, weights, names) },
      tandemPairs: history.filter((h) => h.kind === 'tandem').map((h) => [h.townA, h.townB] as const),
      declinedPairs: history.filter((h) => h.kind === 'declined').map((h) => ({ a: h.townA, b: h.townB, at: new Date(h.at) })),
      livePairs,
      officeOnly,
      silentDays,
      examples,
      fingerprint: createHash('sha256')
        .update(JSON.stringify({ towns, history, livePairs, weights, seed: run.seed, theme: run.theme, silentDays, examples }))
        .digest('hex'),
    };
  }

  /** After every run; it runs on this queue, so it never races a run's write. Cheap when there is nothing to prune. */
  private async schedulePruning(): Promise<void> {
    try {
      await addJob(this.queue, JOBS.pruneRuns, {}, { attempts: 3 });
    } catch (err) {
      // The next run schedules it again; a finished run must not be reported as failed for this.
      this.logger.warn(`Could not schedule pruning (${(err as Error).message})`);
    }
  }
}

const NOTHING_HIDDEN: ReadonlySet<ReasonField> = new Set();

/** Per town, the reason-relevant fields it keeps for the office. */
const officeOnlyFields = (rows: TownRow[]): Map<string, Set<ReasonField>> =>
  new Map(rows.map((t) => [t.id, officeOnlyOf(t.visibility)] as const).filter(([, hidden]) => hidden.size > 0));
