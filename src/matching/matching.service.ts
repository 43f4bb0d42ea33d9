import { InjectQueue } from '@nestjs/bullmq';
import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { randomInt } from 'node:crypto';
import type { SessionUser } from '../auth/session-user';
import { DomainError } from '../common/domain-error';
import { TownReadRepository } from '../municipalities/town-read.repository';
import { JOBS, QUEUES } from '../queue/queue-names';
import { announceJobAdded } from '../queue/embedded-wake';
import { addJob } from '../queue/typed-jobs.util';
import { DEFAULT_WEIGHTS, MatchWeights, validateWeights } from './core/weights';
import type { RunKind, RunHead, RunRow } from './matching.read-models';
import { MatchingRepository } from './matching.repository';

const JOB_OF = {
  suggestions: JOBS.recomputeMatches,
  tandem_round: JOBS.tandemRound,
  workshops: JOBS.workshopProposal,
} as const satisfies Record<RunKind, string>;

export interface StartRunOptions {
  trigger: string;
  actorId?: string | null;
  theme?: string;
  seed?: number;
  params?: Record<string, unknown>;
}

/** Commands around matching: weights, starting runs, debounced recomputation. Computing runs is the worker's (MatchingRunner). */
/** The weights in force: the stored ones over the defaults. */
export const effectiveWeights = (stored: Record<string, unknown> | null): MatchWeights => ({ ...DEFAULT_WEIGHTS, ...(stored ?? {}) });

@Injectable()
export class MatchingService {
  private readonly logger = new Logger(MatchingService.name);

  constructor(
    private readonly repo: MatchingRepository,
    private readonly towns: TownReadRepository,
    @InjectQueue(QUEUES.matching) private readonly queue: Queue,
  ) {}

  async weights(): Promise<MatchWeights> {
    return effectiveWeights(await this.repo.loadWeights());
  }

  async setWeights(actor: SessionUser, patch: Record<string, unknown>): Promise<MatchWeights> {
    const errors = validateWeights(patch);
    if (errors.length) {
      throw new DomainError(HttpStatus.BAD_REQUEST, 'invalid_weights', errors.join('; '), `Ungültige Gewichte: ${errors.join('; ')}`);
    }
    const merged = { ...(await this.weights()), ...patch };
    await this.repo.saveWeights(merged, actor.id);
    return merged;
  }

  /** Creates the run row (refused while one of the same kind runs) and queues the job that carries its id. */
  async startRun(kind: RunKind, opts: StartRunOptions): Promise<string> {
    if (kind === 'workshops') {
      if (!opts.theme || !(await this.towns.topicExists(opts.theme))) {
        throw new DomainError(
          HttpStatus.BAD_REQUEST,
          'unknown_theme',
          `Unknown theme: ${opts.theme ?? '(none)'}`,
          'Dieses Thema gibt es nicht.',
        );
      }
    }
    const runId = await this.startRunRow(kind, opts.trigger, opts);
    await addJob(this.queue, JOB_OF[kind], { runId }, { jobId: `run-${runId}`, attempts: 1 });
    announceJobAdded(QUEUES.matching); // someone waits for it on a page
    return runId;
  }

  async startRunRow(kind: RunKind, trigger: string, opts: Omit<StartRunOptions, 'trigger'> = {}): Promise<string> {
    const seed = opts.seed ?? randomInt(1, 2 ** 31 - 1);
    try {
      return await this.repo.startRun({
        kind,
        trigger,
        theme: opts.theme ?? null,
        weights: await this.weights(),
        params: opts.params ?? {},
        seed,
        startedBy: opts.actorId,
      });
    } catch (err) {
      if ((err as { code?: string }).code === '23505') {
        throw new DomainError(
          HttpStatus.CONFLICT,
          'run_in_progress',
          `A ${kind} run is already in progress`,
          'Es läuft bereits eine Berechnung dieser Art. Bitte warten Sie, bis sie abgeschlossen ist.',
        );
      }
      throw err;
    }
  }

  latestRuns(limit?: number): Promise<RunRow[]> {
    return this.repo.latestRuns(limit);
  }

  /** The current run's id, state and dates without its (possibly large) inputs and results. */
  currentRunHead(kind: RunKind, theme?: string): Promise<RunHead | null> {
    return this.repo.currentRunHead(kind, theme);
  }
}
