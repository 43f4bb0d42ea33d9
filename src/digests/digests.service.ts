import { InjectQueue } from '@nestjs/bullmq';
import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { UserRepository, type DigestFrequency } from '../auth/user.repository';
import { DomainError } from '../common/domain-error';
import { MicroBatcher } from '../common/micro-batcher.util';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MailService } from '../mail/mail.service';
import { JOBS, QUEUES } from '../queue/queue-names';
import { addJob, addJobs } from '../queue/typed-jobs.util';
import {
  composeDigest,
  ComposedDigest,
  DigestSection,
  DIGEST_FREQUENCIES,
  isDue,
  isoWeekOf,
  parseIsoWeek,
  periodLabel,
  SKIP_REASONS,
  unsubscribeUrl,
} from './digest-content.util';
import { DIGEST_SECTION_PROVIDERS, type DigestSectionProvider } from './digest-section.provider';
import { DigestRepository, RecipientState } from './digest.repository';

export type SendOutcome = 'mailed' | 'skipped' | 'already-done';
const FAN_OUT_CHUNK = 500;
const FIRST_LOOKBACK_MS = 7 * 86_400_000;
// Sorts after every real ISO week: the preview reads the whole history.
const AFTER_ALL_WEEKS = '9999-W99';

@Injectable()
export class DigestsService {
  private readonly logger = new Logger(DigestsService.name);

  constructor(
    private readonly repo: DigestRepository,
    private readonly mail: MailService,
    @Inject(DIGEST_SECTION_PROVIDERS) private readonly providers: DigestSectionProvider[],
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectQueue(QUEUES.digest) private readonly queue: Queue,
    private readonly users: UserRepository,
  ) {}

  /** The ISO week a run fired at (scheduled time, not processing time: a late worker still mails the right week). */
  periodAt(at: Date): string {
    return isoWeekOf(at, this.config.digest.timeZone);
  }

  /** Creates (or finds) the week's run row and queues its fan-out. Safe to call any number of times for a week. */
  async startRun(period: string, trigger: string, actorId: string | null = null): Promise<string> {
    if (!parseIsoWeek(period)) {
      throw new DomainError(HttpStatus.BAD_REQUEST, 'invalid_week', `Not an ISO week: ${period}`, 'Bitte wählen Sie eine Kalenderwoche.');
    }
    const runId = await this.repo.upsertRun(period, trigger, actorId);
    // A fresh job id per trigger: the fan-out itself is idempotent, and a finished job must not swallow a re-run.
    await addJob(this.queue, JOBS.digestRun, { runId, period }, { jobId: `digest-run-${period}-${Date.now()}`, attempts: 6 });
    return runId;
  }

  /** One job per due contact; job ids from contact and week, so a second fan-out adds nothing that is waiting. */
  async fanOut(runId: string, period: string): Promise<{ recipients: number; notDue: number }> {
    const candidates = await this.repo.fanOutCandidates(period);
    const due = candidates.filter((c) => isDue(c.frequency, c.lastMailedPeriod, period));
    for (let i = 0; i < due.length; i += FAN_OUT_CHUNK) {
      await addJobs(
        this.queue,
        JOBS.sendDigest,
        due.slice(i, i + FAN_OUT_CHUNK).map((c) => ({
          data: { runId, userId: c.userId, period },
          opts: { jobId: `digest-${c.userId}-${period}` },
        })),
      );
    }
    await this.repo.markFannedOut(runId, due.length, candidates.length - due.length);
    this.logger.log(`Digest ${period}: ${due.length} recipients queued, ${candidates.length - due.length} not due this week`);
    return { recipients: due.length, notDue: candidates.length - due.length };
  }

  // Digest jobs run side by side (the queue's concurrency); their reads and writes go to PostgreSQL in batches.
  private readonly sends = new MicroBatcher<{ runId: string; userId: string; period: string }, SendOutcome>((jobs) => this.sendBatch(jobs));

  /**
   * The per-contact job. The (contact, week) row and the mail delivery are written in one transaction; the row's
   * unique key means a re-run (crash, retry, second trigger) finds the week decided and sends nothing more.
   * Concurrent jobs are decided together (sendBatch): the same steps, one statement for all of them.
   */
  sendOne(runId: string, userId: string, period: string): Promise<SendOutcome> {
    return this.sends.call({ runId, userId, period });
  }

  private async sendBatch(jobs: { runId: string; userId: string; period: string }[]): Promise<SendOutcome[]> {
    const outcomes = new Map<string, SendOutcome>();
    const key = (j: { userId: string; period: string }) => `${j.userId}|${j.period}`;
    const periods = [...new Set(jobs.map((j) => j.period))];
    for (const period of periods) {
      const ofPeriod = jobs.filter((j) => j.period === period);
      const runOf = new Map(ofPeriod.map((j) => [j.userId, j.runId]));
      const states = await this.repo.recipientStates([...runOf.keys()], period);
      // Gone (contact deleted meanwhile) or decided before: nothing to send, nothing to record.
      for (const userId of runOf.keys()) outcomes.set(key({ userId, period }), 'already-done');
      const open = states.filter((s) => !s.doneThisPeriod);
      const skips = open.map((s) => (s.frequency === 'off' ? SKIP_REASONS.off : !s.townVerified ? SKIP_REASONS.notVerified : null));
      const composed = await this.composeMany(open.filter((_, i) => !skips[i]));
      const digests = new Map(open.filter((_, i) => !skips[i]).map((s, i) => [s.userId, composed[i]]));
      const slots = open.map((s, i) => {
        const digest = digests.get(s.userId) ?? null;
        return {
          state: s,
          digest,
          slot: {
            runId: runOf.get(s.userId)!,
            userId: s.userId,
            townId: s.townId,
            period,
            outcome: digest ? ('mailed' as const) : ('skipped' as const),
            skipReason: digest ? null : (skips[i] ?? SKIP_REASONS.nothingNew),
            items: digest?.itemKeys ?? [],
          },
        };
      });
      const deliveryIds = await this.repo.transaction(async (m) => {
        // The slots decide: one held by another job already (decided before, or by a concurrent batch) is left
        // alone, and no delivery is written for it.
        const claimed = await this.repo.claimSlots(
          m,
          slots.map((x) => x.slot),
        );
        const mailed = slots.filter((x) => x.digest && claimed.has(x.state.userId));
        const ids = await this.mail.recordMany(
          mailed.map(({ state, digest }) => {
            const unsubscribe = unsubscribeUrl(this.config.appUrl, this.config.digest.unsubscribeSecret, state.userId);
            return {
              dedupeKey: `digest:${state.userId}:${period}`,
              recipient: state.email,
              template: 'digest',
              context: this.mailContext(state, digest!, period, unsubscribe),
              headers: { 'List-Unsubscribe': `<${unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
            };
          }),
          m,
        );
        await this.repo.attachDeliveries(
          m,
          period,
          mailed.map((x, i) => ({ userId: x.state.userId, deliveryId: ids[i] })),
        );
        for (const x of slots)
          if (claimed.has(x.state.userId)) outcomes.set(key({ userId: x.state.userId, period }), x.digest ? 'mailed' : 'skipped');
        return ids;
      });
      await this.mail.dispatch(deliveryIds, { bulk: true });
    }
    return jobs.map((j) => outcomes.get(key(j)) ?? 'already-done');
  }

  private async compose(state: RecipientState): Promise<ComposedDigest | null> {
    return (await this.composeMany([state]))[0];
  }

  private async composeMany(states: RecipientState[]): Promise<(ComposedDigest | null)[]> {
    if (!states.length) return [];
    // News since the last digest; a first digest looks back one week (not to the contact's registration).
    const recipients = states.map((state) => ({
      userId: state.userId,
      townId: state.townId,
      townName: state.townName,
      since: state.lastMailedAt
        ? new Date(state.lastMailedAt)
        : new Date(Math.max(new Date(state.createdAt).getTime(), Date.now() - FIRST_LOOKBACK_MS)),
    }));
    // Providers are independent reads, each one query for the batch: run side by side.
    const perProvider = await Promise.all(this.providers.map((p) => p.collect(recipients)));
    return states.map((state, i) =>
      composeDigest(
        perProvider.map((sections) => sections[i]).filter((s): s is DigestSection => !!s?.items.length),
        new Set(state.mailedItems),
        state.townName,
      ),
    );
  }

  private mailContext(state: RecipientState, digest: ComposedDigest, period: string, unsubscribe: string) {
    return {
      displayName: state.displayName,
      townName: state.townName,
      subject: digest.subject,
      periodLabel: periodLabel(period),
      sections: digest.sections.map((s) => ({ title: s.title, intro: s.intro, items: s.items, link: s.link ?? null })),
      settingsUrl: `${this.config.appUrl}/benachrichtigungen`,
      unsubscribeUrl: unsubscribe,
    };
  }

  /** What each contact of a town would get in the coming week (nothing is written). */
  async preview(townId: string): Promise<{
    period: string;
    contacts: {
      displayName: string;
      email: string;
      frequency: DigestFrequency;
      due: boolean;
      digest: ReturnType<DigestsService['mailContext']> | null;
      skipReason: string | null;
    }[];
  }> {
    // The next digest: this week's, unless this week's run exists already, then next week's.
    const thisWeek = this.periodAt(new Date());
    const period = (await this.repo.runExists(thisWeek)) ? this.periodAt(new Date(Date.now() + 7 * 86_400_000)) : thisWeek;
    const contacts = await this.repo.contactsOfTown(townId);
    if (!contacts.length)
      throw new DomainError(HttpStatus.NOT_FOUND, 'town_not_found', 'Town not found', 'Diese Kommune hat keine Ansprechperson.');
    const out = [];
    for (const c of contacts) {
      const state = (await this.repo.recipientState(c.id, AFTER_ALL_WEEKS))!;
      const lastMailed = await this.repo.lastMailedPeriod(c.id, AFTER_ALL_WEEKS);
      const due = isDue(state.frequency, lastMailed, period);
      const skip = state.frequency === 'off' ? SKIP_REASONS.off : !state.townVerified ? SKIP_REASONS.notVerified : null;
      const digest = skip ? null : await this.compose(state);
      out.push({
        displayName: state.displayName,
        email: state.email,
        frequency: state.frequency,
        due,
        digest: digest
          ? this.mailContext(state, digest, period, unsubscribeUrl(this.config.appUrl, this.config.digest.unsubscribeSecret, c.id))
          : null,
        skipReason: digest ? null : (skip ?? SKIP_REASONS.nothingNew),
      });
    }
    return { period, contacts: out };
  }

  runs() {
    return this.repo.runsWithCounts();
  }

  verifiedTowns() {
    return this.repo.verifiedTowns();
  }

  async frequencyOf(userId: string): Promise<DigestFrequency> {
    return (await this.users.digestFrequencyOf(userId)) ?? 'off';
  }

  async setFrequency(userId: string, value: unknown): Promise<DigestFrequency> {
    if (!DIGEST_FREQUENCIES.includes(value as DigestFrequency)) {
      throw new DomainError(
        HttpStatus.BAD_REQUEST,
        'invalid_frequency',
        'frequency must be weekly, biweekly, monthly or off',
        'Bitte wählen Sie, wie oft Sie die Übersicht erhalten möchten.',
      );
    }
    await this.users.setDigestFrequency(userId, value as DigestFrequency);
    return value as DigestFrequency;
  }

  /** Re-queues fan-outs that a dead worker left unfinished (the run job may have been given up by the queue). */
  async resumeUnfinishedRuns(olderThanSeconds: number): Promise<number> {
    const runs = await this.repo.unfinishedRuns(olderThanSeconds);
    for (const r of runs)
      await addJob(
        this.queue,
        JOBS.digestRun,
        { runId: r.id, period: r.period },
        { jobId: `digest-run-${r.period}-resume-${Date.now()}`, attempts: 6 },
      );
    return runs.length;
  }
}
