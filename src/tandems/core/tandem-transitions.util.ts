// The tandem lifecycle as one table: which actor may take which step from which state. Plain TypeScript,
// no Nest or database imports, so it can be tested state by state.

export const TANDEM_STATES = [
  'requested',
  'accepted',
  'approved',
  'active',
  'concluded',
  'proposed',
  'declined',
  'withdrawn',
  'rejected',
  'expired',
  'cancelled',
  'not_a_fit',
] as const;
export type TandemState = (typeof TANDEM_STATES)[number];

export const TANDEM_ACTIONS = [
  'accept',
  'decline',
  'withdraw',
  'approve',
  'reject',
  'start',
  'conclude',
  'cancel',
  'expire',
  'not_a_fit',
] as const;
export type TandemAction = (typeof TANDEM_ACTIONS)[number];

/** requester = town A (asked, or first town of an office proposal); partner = town B. */
export const TANDEM_ACTORS = ['requester', 'partner', 'office', 'system'] as const;
export type TandemActor = (typeof TANDEM_ACTORS)[number];

export type TandemOrigin = 'request' | 'office_proposal';

/** Waiting for someone: these count against capacity and block a second tandem of the same pair. */
export const OPEN_STATES: readonly TandemState[] = ['requested', 'accepted', 'approved', 'proposed'];
/** Open or running: capacity and the one-per-pair rule count these. */
export const LIVE_STATES: readonly TandemState[] = [...OPEN_STATES, 'active'];
export const FINAL_STATES: readonly TandemState[] = ['concluded', 'declined', 'withdrawn', 'rejected', 'expired', 'cancelled', 'not_a_fit'];

/** Steps where a person acts and must say why (shown to the other side and in the audit trail). */
export const REASON_REQUIRED: readonly TandemAction[] = ['decline', 'withdraw', 'reject', 'cancel'];
export const REASON_MAX_LENGTH = 1000;
/** A request or proposal without an answer expires after this many days; the one who must act is reminded before. */
export const ANSWER_EXPIRY_DAYS = 30;
export const ANSWER_REMINDER_DAYS = [7, 14] as const;

type Rule = { to: TandemState; actors: readonly TandemActor[] };
const TOWNS = ['requester', 'partner'] as const;
const TOWNS_AND_OFFICE = ['requester', 'partner', 'office'] as const;

const TABLE: Partial<Record<TandemState, Partial<Record<TandemAction, Rule>>>> = {
  requested: {
    accept: { to: 'accepted', actors: ['partner'] },
    decline: { to: 'declined', actors: ['partner'] },
    withdraw: { to: 'withdrawn', actors: ['requester'] },
    reject: { to: 'rejected', actors: ['office'] },
    expire: { to: 'expired', actors: ['system'] },
  },
  accepted: {
    approve: { to: 'approved', actors: ['office'] },
    reject: { to: 'rejected', actors: ['office'] },
    withdraw: { to: 'withdrawn', actors: TOWNS },
  },
  approved: {
    start: { to: 'active', actors: TOWNS_AND_OFFICE },
    cancel: { to: 'cancelled', actors: TOWNS_AND_OFFICE },
    // Approved but never started (TANDEM_START_EXPIRY_DAYS): the slot goes back to both towns.
    expire: { to: 'expired', actors: ['system'] },
  },
  active: {
    // Towns conclude with their results (the second one concludes); the office and the system once the deadline for
    // the second result has passed (TandemsService.conclude).
    conclude: { to: 'concluded', actors: ['requester', 'partner', 'office', 'system'] },
    cancel: { to: 'cancelled', actors: TOWNS_AND_OFFICE },
    // The fit check (issue 23): either town answers "passt nicht" some weeks after the start.
    not_a_fit: { to: 'not_a_fit', actors: TOWNS },
  },
  // An office proposal: each town accepts on its own; the second acceptance makes it active.
  proposed: {
    accept: { to: 'active', actors: TOWNS },
    decline: { to: 'declined', actors: TOWNS },
    withdraw: { to: 'withdrawn', actors: ['office'] },
    expire: { to: 'expired', actors: ['system'] },
  },
};

const ACTION_EN: Record<TandemAction, string> = {
  accept: 'accept',
  decline: 'decline',
  withdraw: 'withdraw',
  approve: 'approve',
  reject: 'reject',
  start: 'start',
  conclude: 'conclude',
  cancel: 'cancel',
  expire: 'expire',
  not_a_fit: 'end as not a fit',
};
// Participles for "kann nicht (mehr) … werden".
const ACTION_DE_PARTICIPLE: Record<TandemAction, string> = {
  accept: 'angenommen',
  decline: 'abgelehnt',
  withdraw: 'zurückgezogen',
  approve: 'genehmigt',
  reject: 'zurückgewiesen',
  start: 'begonnen',
  conclude: 'abgeschlossen',
  cancel: 'vorzeitig beendet',
  expire: 'als abgelaufen markiert',
  not_a_fit: 'als unpassend beendet',
};
const ACTION_DE: Record<TandemAction, string> = {
  accept: 'annehmen',
  decline: 'ablehnen',
  withdraw: 'zurückziehen',
  approve: 'genehmigen',
  reject: 'zurückweisen',
  start: 'beginnen',
  conclude: 'abschließen',
  cancel: 'vorzeitig beenden',
  expire: 'ablaufen lassen',
  not_a_fit: 'als unpassend beenden',
};
export const STATE_DE: Record<TandemState, string> = {
  requested: 'angefragt',
  accepted: 'angenommen, wartet auf Freigabe',
  approved: 'freigegeben',
  active: 'aktiv',
  concluded: 'abgeschlossen',
  proposed: 'Vorschlag der Geschäftsstelle',
  declined: 'abgelehnt',
  withdrawn: 'zurückgezogen',
  rejected: 'von der Geschäftsstelle zurückgewiesen',
  expired: 'abgelaufen',
  cancelled: 'vorzeitig beendet',
  not_a_fit: 'beendet, weil es nicht passte',
};
const ACTOR_EN: Record<TandemActor, string> = {
  requester: 'the requesting town',
  partner: 'the partner town',
  office: 'the office',
  system: 'the system',
};
const ACTOR_DE: Record<TandemActor, string> = {
  requester: 'die anfragende Kommune',
  partner: 'die angefragte Kommune',
  office: 'die Geschäftsstelle',
  system: 'das System',
};

/** An illegal step: why, in English (API) and German (pages). Changes nothing. */
export class TandemTransitionError extends Error {
  readonly code = 'illegal_transition';
  constructor(
    readonly state: TandemState,
    readonly action: TandemAction,
    readonly actor: TandemActor,
    message: string,
    readonly messageDe: string,
  ) {
    super(message);
    this.name = 'TandemTransitionError';
  }
}

export interface TransitionContext {
  /** For proposals: has the other town already accepted? Decides between staying proposed and becoming active. */
  otherTownAccepted?: boolean;
}

/** The state after `action` by `actor`, or a TandemTransitionError saying why not. */
export function nextState(state: TandemState, action: TandemAction, actor: TandemActor, ctx: TransitionContext = {}): TandemState {
  const rule = TABLE[state]?.[action];
  if (!rule) {
    const final = FINAL_STATES.includes(state);
    throw new TandemTransitionError(
      state,
      action,
      actor,
      final
        ? `This tandem is already ${state}; it cannot be ${pastEn(action)} any more`
        : `A tandem that is ${state} cannot be ${pastEn(action)}`,
      final
        ? `Dieses Tandem ist bereits ${STATE_DE[state]}; es kann nicht mehr ${ACTION_DE_PARTICIPLE[action]} werden.`
        : `Ein Tandem im Zustand „${STATE_DE[state]}“ kann nicht ${ACTION_DE_PARTICIPLE[action]} werden.`,
    );
  }
  if (!rule.actors.includes(actor)) {
    throw new TandemTransitionError(
      state,
      action,
      actor,
      `Only ${rule.actors.map((a) => ACTOR_EN[a]).join(' or ')} may ${ACTION_EN[action]} a tandem that is ${state}, not ${ACTOR_EN[actor]}`,
      `Nur ${rule.actors.map((a) => ACTOR_DE[a]).join(' oder ')} kann ein Tandem im Zustand „${STATE_DE[state]}“ ${ACTION_DE[action]}.`,
    );
  }
  if (state === 'proposed' && action === 'accept') return ctx.otherTownAccepted ? 'active' : 'proposed';
  return rule.to;
}

/** The steps `actor` may take now (for buttons on pages and the API's `allowedActions`). */
export function allowedActions(state: TandemState, actor: TandemActor): TandemAction[] {
  const rules = TABLE[state] ?? {};
  return TANDEM_ACTIONS.filter((a) => rules[a]?.actors.includes(actor));
}

export const initialState = (origin: TandemOrigin): TandemState => (origin === 'request' ? 'requested' : 'proposed');

const PAST: Record<TandemAction, string> = {
  accept: 'accepted',
  decline: 'declined',
  withdraw: 'withdrawn',
  approve: 'approved',
  reject: 'rejected',
  start: 'started',
  conclude: 'concluded',
  cancel: 'cancelled',
  expire: 'expired',
  not_a_fit: 'ended as not a fit',
};
const pastEn = (a: TandemAction) => PAST[a];
