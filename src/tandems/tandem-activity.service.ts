import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { AuditRepository } from '../audit/audit.repository';
import type { SessionUser } from '../auth/session-user';
import { DomainError } from '../common/domain-error';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MailService } from '../mail/mail.service';
import { RecomputeTrigger } from '../queue/recompute-trigger.service';
import { TownReadRepository } from '../municipalities/town-read.repository';
import { TandemActivityRepository } from './tandem-activity.repository';
import { checkMeeting, isDormant, MEETING_STATES, MeetingInput, silenceStep } from './tandem-activity.util';
import { TandemRepository } from './tandem.repository';
import { actorOf } from './tandem-actor.util';
import { TandemErrors } from './tandem-errors';
import { TandemMailsService } from './tandem-mails.service';

/**
 * Activity (issue 23): the shared meeting log, reminders for silent tandems ("ruhend" after the second), and towns
 * paused from suggestions when nobody signed in or answered for months. Mails follow the delivery pattern: recorded in
 * the transaction with a dedupe key, dispatched after commit.
 */
@Injectable()
export class TandemActivityService {
  private readonly logger = new Logger(TandemActivityService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: TandemActivityRepository,
    private readonly tandems: TandemRepository,
    private readonly towns: TownReadRepository,
    private readonly audit: AuditRepository,
    private readonly mail: MailService,
    private readonly recompute: RecomputeTrigger,
    private readonly tandemMails: TandemMailsService,
  ) {}

  /** Either town of an approved or active tandem adds a meeting (date, format, one line of notes). */
  async addMeeting(user: SessionUser, id: string, input: MeetingInput, now = new Date()): Promise<string> {
    return this.repo.transaction(async (m) => {
      const t = await this.tandems.findForUpdate(m, id);
      if (!t) throw TandemErrors.tandemNotFound();
      const actor = actorOf(user, t); // someone else's tandem: 404
      if (actor !== 'requester' && actor !== 'partner')
        throw new DomainError(
          HttpStatus.FORBIDDEN,
          'towns_only',
          'Only the two towns add meetings; the office reads them',
          'Treffen tragen die beiden Kommunen ein; die Geschäftsstelle liest mit.',
        );
      if (!MEETING_STATES.includes(t.state))
        throw new DomainError(
          HttpStatus.CONFLICT,
          'not_running',
          'Meetings are logged once the office approved the tandem and while it runs',
          'Treffen können Sie eintragen, sobald die Geschäftsstelle das Tandem freigegeben hat und solange es läuft.',
        );
      const checked = checkMeeting(input, now);
      if ('problem' in checked) {
        const p = checked.problem;
        throw new DomainError(HttpStatus.BAD_REQUEST, p.code, p.en, p.de, p.field);
      }
      const townId = actor === 'requester' ? t.townA : t.townB;
      const meetingId = await this.repo.addMeeting(m, { ...checked.meeting, tandemId: t.id, townId, userId: user.id, at: now });
      // An entry is activity: a reminded or resting tandem starts from zero.
      await this.repo.clearSilence(m, t.id);
      return meetingId;
    });
  }

  /** The hourly job's activity part (beside TandemsService.runReminders): silent tandems, then dormant towns. */
  async run(now = new Date()): Promise<{ silenceReminders: number; resting: number; dormant: number }> {
    const silence = await this.runSilence(now);
    const dormant = await this.runDormancy(now);
    return { ...silence, dormant };
  }

  /**
   * Every active tandem without a meeting entry and without a sign-in of a contact of either town for
   * TANDEM_SILENCE_WEEKS gets a friendly reminder to both towns; after the second it is "ruhend" for the office. Once
   * per silence: the dedupe key names the silence (its last activity) and the reminder's number.
   */
  async runSilence(now: Date): Promise<{ silenceReminders: number; resting: number }> {
    const weeks = this.config.activity.silenceWeeks;
    let silenceReminders = 0,
      resting = 0;
    for (const row of await this.repo.activeSilence()) {
      // A cheap look first; the decision is taken again under the tandem's row lock.
      const first = silenceStep(new Date(row.lastActivity), row, now, weeks);
      if (!first.remind && !first.reset) continue;
      try {
        const out = await this.repo.transaction(async (m) => {
          const t = await this.tandems.findForUpdate(m, row.id);
          const cur = t && t.state === 'active' ? await this.repo.silenceOf(m, row.id) : null;
          if (!t || !cur) return null;
          const last = new Date(cur.lastActivity);
          const step = silenceStep(last, cur, now, weeks);
          if (!step.remind && !step.reset) return null;
          await this.repo.saveSilence(m, t.id, step.next);
          if (!step.remind) return { mails: [] as string[], resting: false };
          const { n, resting } = step.remind;
          await this.audit.write(m, {
            actorId: null,
            action: 'tandem.silence_reminder',
            subjectType: 'tandem',
            subjectId: t.id,
            data: { actor: 'system', reminder: n },
          });
          if (resting)
            await this.audit.write(m, {
              actorId: null,
              action: 'tandem.resting',
              subjectType: 'tandem',
              subjectId: t.id,
              data: { actor: 'system' },
            });
          const event = `silence-${n}-${last.toISOString()}`;
          const extra = { weeks, second: n >= 2 };
          return {
            mails: await this.tandemMails.forBoth(m, t, 'tandem-silence', event, extra),
            resting,
          };
        });
        if (!out) continue;
        silenceReminders += out.mails.length;
        if (out.resting) resting++;
        await this.mail.dispatch(out.mails);
      } catch (err) {
        this.logger.warn(`Could not check the silence of tandem ${row.id}: ${(err as Error).message}`);
      }
    }
    return { silenceReminders, resting };
  }

  /**
   * A verified town without a sign-in or an answer for TOWN_DORMANT_MONTHS is paused from suggestions (town.dormant_since,
   * which matching reads) and its contacts are invited back; a sign-in lifts it (AuthService). Once per dormancy.
   */
  async runDormancy(now: Date): Promise<number> {
    const months = this.config.activity.dormantMonths;
    let paused = 0;
    for (const town of await this.towns.lastActivity()) {
      // Demo towns have nobody to invite back and show the product: never paused.
      if (town.dormantSince || town.optedOut || town.isDemo || !isDormant(new Date(town.lastActiveAt), now, months)) continue;
      const mails = await this.repo.transaction(async (m) => {
        if (!(await this.repo.markDormant(m, town.id, now))) return null;
        await this.audit.write(m, {
          actorId: null,
          action: 'town.dormant',
          subjectType: 'town',
          subjectId: town.id,
          data: { lastActiveAt: town.lastActiveAt, months },
        });
        const name = await this.repo.townName(m, town.id);
        const ids: string[] = [];
        for (const c of await this.repo.townContacts(m, town.id)) {
          ids.push(
            await this.mail.record(
              {
                dedupeKey: `town:${town.id}:dormant:${now.toISOString()}:${c.id}`,
                recipient: c.email,
                template: 'town-dormant',
                replyTo: this.config.mailReplyTo,
                context: {
                  displayName: c.displayName,
                  townName: name,
                  months,
                  link: `${this.config.appUrl}/anmelden?next=${encodeURIComponent('/vorschlaege')}`,
                },
              },
              m,
            ),
          );
        }
        return ids;
      });
      if (!mails) continue;
      paused++;
      await this.mail.dispatch(mails);
    }
    if (paused) await this.recompute.request('dormant');
    return paused;
  }
}
