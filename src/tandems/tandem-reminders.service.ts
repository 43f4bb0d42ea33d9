import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MailService } from '../mail/mail.service';
import { ANSWER_EXPIRY_DAYS, ANSWER_REMINDER_DAYS, TandemState } from './core/tandem-transitions.util';
import { TandemMailsService } from './tandem-mails.service';
import { TandemStepsService } from './tandem-steps.service';
import { TandemRepository } from './tandem.repository';

const DAY_MS = 24 * 3600_000;
const WAITING_FOR_ANSWER: TandemState[] = ['requested', 'proposed', 'accepted'];

/**
 * The hourly job's tandem part: proposals and requests without an answer expire after 30 days; whoever must act is
 * reminded after 7 and 14 days. Approved tandems the towns never start get one reminder to both towns after
 * TANDEM_START_REMINDER_DAYS and expire after TANDEM_START_EXPIRY_DAYS. The fit question goes out, overdue results
 * conclude. Each tandem in its own transaction; dedupe keys per tandem and reminder make a second run send nothing new.
 */
@Injectable()
export class TandemRemindersService {
  private readonly logger = new Logger(TandemRemindersService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: TandemRepository,
    private readonly mail: MailService,
    private readonly steps: TandemStepsService,
    private readonly mails: TandemMailsService,
  ) {}

  async runReminders(now = new Date()): Promise<{ expired: number; reminders: number; fitChecks: number }> {
    const fitChecks = await this.askFit(now);
    await this.concludeOverdue(now);
    const start = this.config.tandemStart;
    let expired = await this.expireWaiting(['requested', 'proposed'], ANSWER_EXPIRY_DAYS, now);
    expired += await this.expireWaiting(['approved'], start.expiryDays, now);
    const reminders = (await this.remindAnswers(now)) + (await this.remindStart(now));
    return { expired, reminders, fitChecks };
  }

  /** Whoever must answer a request or proposal (the office an accepted one): only the latest due reminder. */
  private async remindAnswers(now: Date): Promise<number> {
    let sent = 0;
    for (const { id } of await this.repo.waitingSince(WAITING_FOR_ANSWER, new Date(now.getTime() - ANSWER_REMINDER_DAYS[0] * DAY_MS))) {
      const mails = await this.repo.transaction(async (m) => {
        const t = await this.repo.findForUpdate(m, id);
        if (!t || !WAITING_FOR_ANSWER.includes(t.state)) return [];
        const days = Math.floor((now.getTime() - t.stateChangedAt.getTime()) / DAY_MS);
        // Only the latest due reminder: a scheduler that was down for two weeks sends one, not two.
        const stage = [...ANSWER_REMINDER_DAYS].reverse().find((d) => days >= d);
        if (!stage) return [];
        const key = `reminder-${stage}`;
        const extra = { days, expiresInDays: t.state === 'accepted' ? null : Math.max(1, ANSWER_EXPIRY_DAYS - days) };
        if (t.state === 'requested') return this.mails.forTown(m, t, 'B', 'tandem-reminder', key, extra);
        if (t.state === 'accepted') return this.mails.forOffice(m, t, 'tandem-reminder', key, { ...extra, forOffice: true });
        const ids: string[] = [];
        if (!t.acceptedAAt) ids.push(...(await this.mails.forTown(m, t, 'A', 'tandem-reminder', key, extra)));
        if (!t.acceptedBAt) ids.push(...(await this.mails.forTown(m, t, 'B', 'tandem-reminder', key, extra)));
        return ids;
      });
      sent += mails.length;
      await this.mail.dispatch(mails);
    }
    return sent;
  }

  /** Approved tandems not begun after TANDEM_START_REMINDER_DAYS: one reminder to both towns. */
  private async remindStart(now: Date): Promise<number> {
    const start = this.config.tandemStart;
    let sent = 0;
    for (const { id } of await this.repo.waitingSince(['approved'], new Date(now.getTime() - start.reminderDays * DAY_MS))) {
      const mails = await this.repo.transaction(async (m) => {
        const t = await this.repo.findForUpdate(m, id);
        if (!t || t.state !== 'approved') return [];
        const days = Math.floor((now.getTime() - t.stateChangedAt.getTime()) / DAY_MS);
        if (days < start.reminderDays) return [];
        return this.mails.forBoth(m, t, 'tandem-start-reminder', 'start-reminder', {
          days,
          expiresInDays: Math.max(1, start.expiryDays - days),
        });
      });
      sent += mails.length;
      await this.mail.dispatch(mails);
    }
    return sent;
  }

  /** Tandems whose second result did not come in time conclude with the one there is. */
  private async concludeOverdue(now: Date): Promise<void> {
    for (const { id } of await this.repo.resultOverdue(now)) {
      try {
        const mails = await this.repo.transaction(async (m) => {
          const t = await this.repo.findForUpdate(m, id);
          if (!t || t.state !== 'active' || !t.resultDueAt || t.resultDueAt > now) return [];
          return (await this.steps.concludeWithout(m, t, 'system', null, now)).mails;
        });
        await this.steps.afterCommit(mails);
      } catch (err) {
        this.logger.warn(`Could not conclude tandem ${id}: ${(err as Error).message}`);
      }
    }
  }

  /** "Passt das Tandem?" to both towns of every tandem begun TANDEM_FIT_CHECK_WEEKS ago; asked once per tandem. */
  private async askFit(now: Date): Promise<number> {
    const weeks = this.config.tandemFitCheckWeeks;
    let sent = 0;
    for (const { id } of await this.repo.dueForFitCheck(new Date(now.getTime() - weeks * 7 * DAY_MS))) {
      const mails = await this.repo.transaction(async (m) => {
        const t = await this.repo.findForUpdate(m, id);
        if (!t || t.state !== 'active' || t.fitAskedAt) return [];
        await this.repo.markFitAsked(m, id, now);
        return this.mails.forBoth(m, t, 'tandem-fit-check', 'fit-check', { weeks });
      });
      sent += mails.length;
      await this.mail.dispatch(mails);
    }
    return sent;
  }

  /** Lets tandems in `states` expire whose state is older than `days`; each in its own transaction. */
  private async expireWaiting(states: TandemState[], days: number, now: Date): Promise<number> {
    const before = new Date(now.getTime() - days * DAY_MS);
    let expired = 0;
    for (const { id } of await this.repo.waitingSince(states, before)) {
      try {
        const mails = await this.repo.transaction(async (m) => {
          const t = await this.repo.findForUpdate(m, id);
          if (!t || !states.includes(t.state) || t.stateChangedAt.getTime() > before.getTime()) return null;
          return (await this.steps.transition(m, t, 'expire', 'system', null, {}, now)).mails;
        });
        if (mails) {
          expired++;
          await this.steps.afterCommit(mails);
        }
      } catch (err) {
        this.logger.warn(`Could not expire tandem ${id}: ${(err as Error).message}`);
      }
    }
    return expired;
  }
}
