import { Injectable } from '@nestjs/common';
import { emptyMailReport, type MailReport } from '../accounts/address-book/town-recipients.util';
import type { SessionUser } from '../auth/session-user';
import { DomainError } from '../common/domain-error';
import { reasonList } from '../matching/core/reason-list.util';
import type { ScoreComponent } from '../matching/core/matching-input.types';
import { reasonLine } from '../matching/core/score.util';
import { TownViewRepository } from '../municipalities/visibility/town-view.repository';
import { NETWORK_VIEWER } from '../municipalities/visibility/town-visibility.util';
import { initialState } from './core/tandem-transitions.util';
import { TandemErrors } from './tandem-errors';
import { TandemMailsService } from './tandem-mails.service';
import { TandemStepsService } from './tandem-steps.service';
import { TandemRepository } from './tandem.repository';

export interface ProposalOutcome {
  townA: string;
  townB: string;
  tandemId?: string;
  skipped?: string;
  skippedDe?: string;
  /** The rule's code (already_proposed, pair_has_tandem, at_capacity, …). */
  skippedCode?: string;
  /** Who got the proposal mail (issue 25), and the towns that had nobody to receive it. */
  recipients?: MailReport['recipients'];
  unreachableTowns?: MailReport['unreachableTowns'];
}

interface PairToPropose {
  runId: string | null;
  townA: string;
  townB: string;
  score: number | null;
  components: unknown[];
  topic: string | null;
  /** A pair the office made outside a round: its own reason for both towns. */
  officeReason?: string;
}

/** The office's proposals: one pair or the whole current tandem round, and pairs made outside a round (issue 25). */
@Injectable()
export class TandemProposalsService {
  constructor(
    private readonly repo: TandemRepository,
    private readonly views: TownViewRepository,
    private readonly steps: TandemStepsService,
    private readonly mails: TandemMailsService,
  ) {}

  /** The office sends one pair of the current tandem round to both towns as its proposal. */
  async propose(user: SessionUser, townA: string, townB: string, now = new Date()): Promise<ProposalOutcome & { tandemId: string }> {
    const pair = (await this.repo.currentRoundPairs()).find(
      (p) => (p.townA === townA && p.townB === townB) || (p.townA === townB && p.townB === townA),
    );
    if (!pair) throw TandemErrors.notInRound();
    const out = await this.proposePair(user, pair, now);
    if (out.skipped) throw TandemErrors.conflict(out.skippedCode ?? 'proposal_refused', out.skipped, out.skippedDe!);
    return { ...out, tandemId: out.tandemId! };
  }

  /**
   * The office pairs two towns outside a round (issue 25): the rules of a round's proposal (checkPair, under lock), its
   * own reason and the pair's explanation (`explained`, computed like the round's) go to both towns. The caller has
   * checked the input (PairingService); a broken rule answers 409 with the rule's German message.
   */
  async proposeOutsideRound(
    user: SessionUser,
    p: { townA: string; townB: string; topic: string; reason: string; explained: { score: number; components: unknown[] } | null },
    now = new Date(),
  ): Promise<string> {
    const out = await this.proposePair(
      user,
      {
        runId: null,
        townA: p.townA,
        townB: p.townB,
        topic: p.topic,
        score: p.explained?.score ?? null,
        components: p.explained?.components ?? [],
        officeReason: p.reason,
      },
      now,
    );
    if (out.skipped) throw TandemErrors.conflict(out.skippedCode ?? 'proposal_refused', out.skipped, out.skippedDe!);
    return out.tandemId!;
  }

  /** The rule a new tandem of `a` and `b` would break now (checkPair's 409), or null: the pairing form warns before sending. */
  async pairRefusal(a: string, b: string, now = new Date()): Promise<DomainError | null> {
    try {
      // Read-only: the transaction locks both town rows for the check and writes nothing.
      await this.repo.transaction((m) => this.steps.checkPair(m, a, b, now));
      return null;
    } catch (err) {
      if (err instanceof DomainError) return err;
      throw err;
    }
  }

  /** The recipients of a proposal's mail per town (the result page says who got it). */
  proposalRecipients(id: string) {
    return this.repo.proposalRecipients(id);
  }

  /** The whole current round at once; pairs that break a rule by now are skipped with the reason. */
  async proposeRound(user: SessionUser, now = new Date()): Promise<ProposalOutcome[]> {
    const pairs = await this.repo.currentRoundPairs();
    if (!pairs.length) throw TandemErrors.noRound();
    const out: ProposalOutcome[] = [];
    for (const p of pairs) out.push(await this.proposePair(user, p, now));
    return out;
  }

  private async proposePair(user: SessionUser, p: PairToPropose, now: Date): Promise<ProposalOutcome> {
    try {
      // Both towns read the proposal: its topic is the round's (chosen from what the network may see of both).
      const topics = await this.views.pairTopics(NETWORK_VIEWER, p.townA, p.townB);
      const topic = (p.topic && topics.some((t) => t.slug === p.topic) ? p.topic : null) ?? topics.find((t) => t.shared)?.slug ?? null;
      const { id, mails, report } = await this.repo.transaction(async (m) => {
        await this.steps.checkPair(m, p.townA, p.townB, now);
        const id = await this.steps.insertLive(m, {
          townA: p.townA,
          townB: p.townB,
          topicSlug: topic,
          origin: 'office_proposal',
          state: initialState('office_proposal'),
          requestMessage: '',
          runId: p.runId,
          score: p.score,
          components: p.components,
          createdBy: user.id,
          now,
          officeReason: p.officeReason ?? null,
        });
        const outside = p.officeReason !== undefined;
        await this.steps.writeAudit(
          m,
          id,
          user.id,
          'office',
          null,
          'proposed',
          p.officeReason ?? null,
          null,
          outside ? 'paired' : 'proposed',
        );
        const t = (await this.repo.findForUpdate(m, id))!;
        // Both towns get the same text: the third-person variant naming both, built from what each may see of the other.
        const template = outside ? 'tandem-paired' : 'tandem-proposed';
        const extra = {
          reasons: reasonLine(p.components as ScoreComponent[], 'network'),
          reasonList: reasonList(p.components as ScoreComponent[], 'network'),
          officeReason: p.officeReason ?? null,
        };
        // The proposal reaches a town without an account too: the office's address-book entries (issue 25).
        const report = emptyMailReport();
        const mails = [
          ...(await this.mails.proposed(m, t, 'A', template, extra, report)),
          ...(await this.mails.proposed(m, t, 'B', template, extra, report)),
        ];
        return { id, mails, report };
      });
      await this.steps.afterCommit(mails);
      return { townA: p.townA, townB: p.townB, tandemId: id, ...report };
    } catch (err) {
      if (!(err instanceof DomainError) || err.getStatus() !== 409) throw err;
      const body = err.getResponse() as { message: string };
      return { townA: p.townA, townB: p.townB, skipped: body.message, skippedDe: err.messageDe, skippedCode: err.code };
    }
  }
}
