import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { AuditRepository } from '../audit/audit.repository';
import type { SessionUser } from '../auth/session-user';
import { DomainError } from '../common/domain-error';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MailService } from '../mail/mail.service';
import { RecomputeTrigger } from '../queue/recompute-trigger.service';
import { PracticeFollowUpRepository, type FollowUpRow } from './practice-follow-up.repository';
import {
  addMonths,
  ANSWER_DE,
  dueStage,
  FOLLOW_UP_ANSWERS,
  type FollowUpAnswer,
  followUpUrl,
  parseAnswer,
  verifyFollowUp,
} from './practice-follow-up.util';
import { PracticeRepository } from './practice.repository';

const invalidLink = () =>
  new DomainError(
    HttpStatus.BAD_REQUEST,
    'invalid_follow_up_link',
    'This follow-up link is invalid or incomplete',
    'Dieser Link ist ungültig oder unvollständig. Bitte verwenden Sie den vollständigen Link aus der E-Mail.',
  );

/**
 * The follow-up of examples (issue 27): finds what is due (6 and 12 months after the tandem or workshop ended), promises
 * the mail in the same transaction as the row that marks it asked (so a second run sends nothing), and records the
 * answers from the signed links. Time comes in as `now` (the job's payload in tests).
 */
@Injectable()
export class PracticeFollowUpService {
  constructor(
    private readonly repo: PracticeFollowUpRepository,
    private readonly practices: PracticeRepository,
    private readonly audit: AuditRepository,
    private readonly mail: MailService,
    private readonly recompute: RecomputeTrigger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private get secret() {
    return this.config.sessionSecret;
  }

  /** Asks every receiving town whose stage is due and that was not asked at that stage yet; returns how many were asked. */
  async run(now = new Date()): Promise<{ asked: number; mails: number }> {
    const candidates = await this.repo.candidates(now);
    let asked = 0;
    const ids: string[] = [];
    for (const c of candidates) {
      const stage = dueStage(new Date(c.endedAt), now);
      // Asked at this stage already, or a town that said "ja" before is not asked again.
      if (!stage || c.askedStages.includes(stage) || c.answeredYes) continue;
      const mailIds = await this.repo.transaction(async (m): Promise<string[] | null> => {
        const id = await this.repo.insert(
          { practiceId: c.practiceId, townId: c.receiverId, stage, dueAt: addMonths(new Date(c.endedAt), stage), sentAt: now },
          m,
        );
        if (!id) return null;
        const contacts = await this.practices.contacts(c.receiverId, m);
        const links = Object.fromEntries(FOLLOW_UP_ANSWERS.map((a) => [a, followUpUrl(this.config.appUrl, this.secret, id, a)]));
        return this.mail.recordMany(
          contacts.map((p) => ({
            dedupeKey: `practice-follow-up:${id}:${p.id}`,
            recipient: p.email,
            template: 'practice-follow-up',
            context: {
              displayName: p.displayName,
              townName: c.receiverName,
              authorName: c.authorName,
              title: c.title,
              months: stage,
              source: c.origin === 'tandem' ? `dem Tandem mit ${c.authorName}` : 'der Transferwerkstatt',
              links,
              exampleLink: `${this.config.appUrl}/methodenkoffer/${c.practiceId}`,
            },
          })),
          m,
        );
      });
      if (!mailIds) continue;
      asked++;
      ids.push(...mailIds);
    }
    await this.mail.dispatch(ids);
    return { asked, mails: ids.length };
  }

  /** The follow-up a signed link opens (400 for a wrong signature, 404 when it does not exist). */
  async byLink(id: unknown, signature: unknown): Promise<FollowUpRow> {
    if (!verifyFollowUp(this.secret, id, signature)) throw invalidLink();
    const row = await this.repo.find(id as string);
    if (!row)
      throw new DomainError(HttpStatus.NOT_FOUND, 'follow_up_not_found', 'Follow-up not found', 'Diese Rückfrage gibt es nicht mehr.');
    return row;
  }

  /** Records the town's answer (a later answer replaces an earlier one); the matching is recomputed with it. */
  async answer(id: unknown, signature: unknown, raw: unknown, user: SessionUser | undefined, now = new Date()): Promise<FollowUpAnswer> {
    await this.byLink(id, signature);
    const answer = parseAnswer(raw);
    if (!answer)
      throw new DomainError(
        HttpStatus.BAD_REQUEST,
        'invalid_answer',
        `answer must be one of ${FOLLOW_UP_ANSWERS.join(', ')}`,
        'Bitte wählen Sie eine Antwort.',
        'antwort',
      );
    await this.repo.transaction(async (m) => {
      const row = (await this.repo.find(id as string, m, true))!;
      await this.repo.answer(row.id, answer, now, user?.id ?? null, m);
      await this.audit.write(m, {
        actorId: user?.id ?? null,
        action: 'practice.follow_up_answered',
        subjectType: 'practice',
        subjectId: row.practiceId,
        reason: `${row.receiverName}: ${ANSWER_DE[answer]}`,
        data: { followUpId: row.id, stage: row.stage, answer, townId: row.townId },
      });
    });
    // Adoptions weigh the example's town as a partner (outcome-weighted suggestions).
    await this.recompute.request('practice_follow_up');
    return answer;
  }
}
