// A town's workshops on its page, in the sections it acts on. Pure (no Nest or database imports), unit-tested.
import type { InvitationState, WorkshopState } from './workshop-transitions.util';

export interface TownWorkshopItem {
  state: WorkshopState;
  startsAt: Date | null;
  invitationState: InvitationState;
  /** The answers the town may still give (empty once the invitations are closed). */
  allowedAnswers: readonly string[];
}

/**
 * toAnswer: open invitations still to answer; upcoming: ahead and accepted (the town takes part); declined: ahead,
 * but the town said no (it may still accept while the invitations are open); past: over, held or cancelled, for
 * the towns that did not decline. A declined workshop is never "upcoming" for that town.
 */
export function groupTownWorkshops<T extends TownWorkshopItem>(items: readonly T[], now: Date) {
  const past = (c: T) =>
    ['held', 'documented', 'cancelled'].includes(c.state) || (c.startsAt ? c.startsAt.getTime() < now.getTime() : false);
  const ahead = items.filter((c) => !past(c));
  return {
    toAnswer: ahead.filter((c) => c.invitationState === 'invited' && c.allowedAnswers.length > 0),
    upcoming: ahead.filter((c) => c.invitationState === 'accepted'),
    declined: ahead.filter((c) => c.invitationState === 'declined'),
    past: items.filter((c) => past(c) && c.invitationState !== 'declined'),
  };
}
