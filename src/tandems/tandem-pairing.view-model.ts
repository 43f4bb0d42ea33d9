import { HttpStatus, Injectable } from '@nestjs/common';
import type { SessionUser } from '../auth/session-user';
import { DomainError } from '../common/domain-error';
import { isUuid } from '../common/input.util';
import { reasonList } from '../matching/core/reason-list.util';
import { reasonLine } from '../matching/core/score.util';
import { MatchScoringService } from '../matching/match-scoring.service';
import { TownReadRepository } from '../municipalities/town-read.repository';
import { TownViewRepository } from '../municipalities/visibility/town-view.repository';
import { NETWORK_VIEWER, OFFICE_VIEWER } from '../municipalities/visibility/town-visibility.util';
import { parsePairingInput } from './tandem-pairing.util';
import { TandemProposalsService } from './tandem-proposals.service';

const SEARCH_MAX = 80;

const badRequest = (code: string, en: string, de: string, field?: string) => new DomainError(HttpStatus.BAD_REQUEST, code, en, de, field);

/**
 * The office pairs two verified towns outside a tandem round (issue 25): the town picker, the pair's topics and
 * computed reasons, the rule a pair would break, and the pairing itself. Shared by the page and the API.
 */
@Injectable()
export class TandemPairingViewModel {
  constructor(
    private readonly proposals: TandemProposalsService,
    private readonly townReads: TownReadRepository,
    private readonly views: TownViewRepository,
    private readonly scoring: MatchScoringService,
  ) {}

  /** Verified towns by name (or district or AGS), at most 15; fewer than two characters find nothing. */
  async search(q: unknown) {
    const term = typeof q === 'string' ? q.trim() : '';
    if (term.length > SEARCH_MAX)
      throw badRequest('too_long', `The search text is too long (at most ${SEARCH_MAX} characters)`, 'Der Suchtext ist zu lang.', 'q');
    if (term.length < 2) return [];
    return (await this.townReads.searchVerified(term, 15)).map((t) => ({ ...t, pausedLabel: t.optedOut ? 'pausiert' : null }));
  }

  /** One town's directory facts for the picker (null for anything that is not a town). */
  async town(id: unknown) {
    if (!isUuid(id)) return null;
    const p = await this.views.profile(OFFICE_VIEWER, id);
    return p && { id: p.id, name: p.name, stateName: p.stateName, population: p.population, verified: p.status === 'verified' };
  }

  /**
   * Two towns side by side as the office sees them, the topics both may show to the network (shared first), the
   * matcher's reasons (the text both towns would read, and the office's own), and the rule the pair would break now.
   * Null where an id is not a town.
   */
  async preview(a: unknown, b: unknown) {
    if (!isUuid(a) || !isUuid(b) || a.toLowerCase() === b.toLowerCase()) return null;
    const [pa, pb] = await Promise.all([this.views.profile(OFFICE_VIEWER, a), this.views.profile(OFFICE_VIEWER, b)]);
    if (!pa || !pb) return null;
    const [topics, explained] = await Promise.all([this.views.pairTopics(NETWORK_VIEWER, a, b), this.scoring.explainPair(a, b)]);
    // After the reads: its transaction holds the one session of the embedded mode while it checks.
    const refusal = await this.proposals.pairRefusal(a, b);
    const components = explained?.components ?? [];
    const town = (p: typeof pa) => ({
      id: p.id,
      name: p.name,
      stateName: p.stateName,
      population: p.population,
      verified: p.status === 'verified',
    });
    return {
      townA: town(pa),
      townB: town(pb),
      topics,
      suggestedTopic: topics.some((t) => t.slug === explained?.topic)
        ? (explained?.topic ?? null)
        : (topics.find((t) => t.shared)?.slug ?? null),
      /** What both towns read in the mail and on the tandem page (from what each may see of the other). */
      reasons: reasonLine(components, 'network'),
      /** The office's own text (every field counted). */
      reasonsOffice: reasonLine(components, 'office'),
      /** Both as lists: one line per criterion with its share of the score, the topic on top (issue 30). */
      reasonList: reasonList(components, 'network', topics.find((t) => t.slug === explained?.topic)?.name ?? null),
      reasonListOffice: reasonList(components, 'office'),
      score: explained ? Math.round(explained.score * 100) : null,
      refusal: refusal
        ? { code: refusal.code, message: (refusal.getResponse() as { message: string }).message, messageDe: refusal.messageDe }
        : null,
    };
  }

  /** Checks the input and sends the proposal to both towns; the new tandem's id. */
  async pair(user: SessionUser, raw: { townA?: unknown; townB?: unknown; topic?: unknown; reason?: unknown }, now = new Date()) {
    const parsed = parsePairingInput(raw);
    if (!parsed.ok) throw badRequest(parsed.refusal.code, parsed.refusal.message, parsed.refusal.messageDe, parsed.refusal.field);
    const { townA, townB, topic, reason } = parsed.input;
    const [pa, pb] = await Promise.all([this.views.profile(OFFICE_VIEWER, townA), this.views.profile(OFFICE_VIEWER, townB)]);
    if (!pa || !pb) throw new DomainError(HttpStatus.NOT_FOUND, 'town_not_found', 'Town not found', 'Diese Kommune wurde nicht gefunden.');
    // Both towns read the topic: only one that the network may see in either profile (a hidden one answers like an unknown one).
    const topics = await this.views.pairTopics(NETWORK_VIEWER, townA, townB);
    if (!topics.some((t) => t.slug === topic))
      throw badRequest(
        'unknown_topic',
        'Choose a topic that one of the two towns shows to the network',
        'Bitte wählen Sie ein Thema, das eine der beiden Kommunen im Netzwerk zeigt.',
        'topic',
      );
    const explained = await this.scoring.explainPair(townA, townB);
    return this.proposals.proposeOutsideRound(user, { townA, townB, topic, reason, explained }, now);
  }

  /** "Who got the mail" for the result page: the recipients of the proposal per town (or none). */
  async recipients(tandemId: string) {
    return this.proposals.proposalRecipients(tandemId);
  }
}
