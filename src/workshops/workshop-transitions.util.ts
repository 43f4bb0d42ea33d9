// The workshop lifecycle and a town's invitation as two tables: which actor may take which step from which state.
// Plain TypeScript, no Nest or database imports, so both can be tested state by state.
import { allowedInTable, IllegalTransitionError, lookupTransition, TransitionTable } from '../common/transition-table.util';

export const WORKSHOP_STATES = ['draft', 'invited', 'confirmed', 'held', 'documented', 'cancelled'] as const;
export type WorkshopState = (typeof WORKSHOP_STATES)[number];
export const WORKSHOP_FORMATS = ['in_person', 'online'] as const;
export type WorkshopFormat = (typeof WORKSHOP_FORMATS)[number];

export const WORKSHOP_ACTIONS = ['edit', 'invite', 'publish', 'close', 'confirm', 'hold', 'document', 'cancel'] as const;
export type WorkshopAction = (typeof WORKSHOP_ACTIONS)[number];

export type InvitationState = 'invited' | 'accepted' | 'declined' | 'withdrawn';
export const INVITATION_ACTIONS = ['accept', 'decline', 'withdraw'] as const;
export type InvitationAction = (typeof INVITATION_ACTIONS)[number];

export type WorkshopActor = 'office' | 'town' | 'system';

/** At least this many accepted towns before the office can confirm. */
export const MIN_ACCEPTED = 4;
export const REASON_MAX_LENGTH = 1000;
export const RESULT_MAX_LENGTH = 2000;

const OFFICE = ['office'] as const;

const WORKSHOP_TABLE: TransitionTable<WorkshopState, WorkshopAction, WorkshopActor> = {
  draft: {
    edit: { to: 'draft', actors: OFFICE },
    invite: { to: 'draft', actors: OFFICE },
    publish: { to: 'invited', actors: OFFICE },
    cancel: { to: 'cancelled', actors: OFFICE },
  },
  invited: {
    edit: { to: 'invited', actors: OFFICE },
    invite: { to: 'invited', actors: OFFICE },
    close: { to: 'invited', actors: OFFICE },
    confirm: { to: 'confirmed', actors: OFFICE },
    cancel: { to: 'cancelled', actors: OFFICE },
  },
  confirmed: {
    edit: { to: 'confirmed', actors: OFFICE },
    invite: { to: 'confirmed', actors: OFFICE },
    close: { to: 'confirmed', actors: OFFICE },
    hold: { to: 'held', actors: OFFICE },
    cancel: { to: 'cancelled', actors: OFFICE },
  },
  held: { document: { to: 'documented', actors: OFFICE } },
};

// A town answers its own invitation; it may change its mind while the invitations are open. The office withdraws.
const INVITATION_TABLE: TransitionTable<InvitationState, InvitationAction, WorkshopActor> = {
  invited: {
    accept: { to: 'accepted', actors: ['town'] },
    decline: { to: 'declined', actors: ['town'] },
    withdraw: { to: 'withdrawn', actors: OFFICE },
  },
  accepted: {
    accept: { to: 'accepted', actors: ['town'] },
    decline: { to: 'declined', actors: ['town'] },
    withdraw: { to: 'withdrawn', actors: OFFICE },
  },
  declined: {
    decline: { to: 'declined', actors: ['town'] },
    accept: { to: 'accepted', actors: ['town'] },
    withdraw: { to: 'withdrawn', actors: OFFICE },
  },
};

export const STATE_DE: Record<WorkshopState, string> = {
  draft: 'Entwurf',
  invited: 'eingeladen',
  confirmed: 'bestätigt',
  held: 'durchgeführt',
  documented: 'dokumentiert',
  cancelled: 'abgesagt',
};
export const INVITATION_STATE_DE: Record<InvitationState, string> = {
  invited: 'eingeladen, Antwort offen',
  accepted: 'zugesagt',
  declined: 'abgesagt',
  withdrawn: 'Einladung zurückgenommen',
};
const ACTION_EN: Record<WorkshopAction, string> = {
  edit: 'edited',
  invite: 'given new towns',
  publish: 'published',
  close: 'closed for answers',
  confirm: 'confirmed',
  hold: 'marked as held',
  document: 'documented',
  cancel: 'cancelled',
};
const ACTION_DE: Record<WorkshopAction, string> = {
  edit: 'bearbeitet',
  invite: 'um Kommunen ergänzt',
  publish: 'veröffentlicht',
  close: 'für Antworten geschlossen',
  confirm: 'bestätigt',
  hold: 'als durchgeführt vermerkt',
  document: 'dokumentiert',
  cancel: 'abgesagt',
};
const INV_ACTION_EN: Record<InvitationAction, string> = { accept: 'accepted', decline: 'declined', withdraw: 'withdrawn' };
const INV_ACTION_DE: Record<InvitationAction, string> = { accept: 'zugesagt', decline: 'abgesagt', withdraw: 'zurückgenommen' };

/** An illegal step of a workshop or an invitation. */
export class WorkshopTransitionError extends IllegalTransitionError {}

/** The workshop's state after `action` by `actor`, or a WorkshopTransitionError saying why not. */
export function nextWorkshopState(state: WorkshopState, action: WorkshopAction, actor: WorkshopActor): WorkshopState {
  const r = lookupTransition(WORKSHOP_TABLE, state, action, actor);
  if (r.ok) return r.to;
  if (r.kind === 'wrong_actor')
    throw new WorkshopTransitionError(
      `Only the office may do this with a workshop`,
      `Nur die Geschäftsstelle kann eine Werkstatt ${ACTION_DE[action]}.`,
    );
  throw new WorkshopTransitionError(
    `A workshop that is ${state} cannot be ${ACTION_EN[action]}`,
    `Eine Werkstatt im Zustand „${STATE_DE[state]}“ kann nicht ${ACTION_DE[action]} werden.`,
  );
}

export interface AnswerContext {
  workshopState: WorkshopState;
  invitationsClosed: boolean;
}

/**
 * The invitation's state after a town's answer or the office's withdrawal. Towns answer only while the workshop is
 * invited or confirmed and the office has not closed the invitations.
 */
export function nextInvitationState(
  state: InvitationState,
  action: InvitationAction,
  actor: WorkshopActor,
  ctx: AnswerContext,
): InvitationState {
  if (actor === 'town') {
    if (!['invited', 'confirmed'].includes(ctx.workshopState))
      throw new WorkshopTransitionError(
        `The workshop is ${ctx.workshopState}; invitations cannot be answered`,
        `Die Werkstatt ist ${STATE_DE[ctx.workshopState]}; Einladungen können nicht (mehr) beantwortet werden.`,
      );
    if (ctx.invitationsClosed)
      throw new WorkshopTransitionError(
        'The office has closed the invitations; answers are no longer possible',
        'Die Geschäftsstelle hat die Einladungen geschlossen; eine Antwort ist nicht mehr möglich.',
      );
  }
  const r = lookupTransition(INVITATION_TABLE, state, action, actor);
  if (r.ok) return r.to;
  if (r.kind === 'wrong_actor')
    throw new WorkshopTransitionError(
      action === 'withdraw' ? 'Only the office may withdraw an invitation' : 'Only the invited town may answer its invitation',
      action === 'withdraw'
        ? 'Nur die Geschäftsstelle kann eine Einladung zurücknehmen.'
        : 'Nur die eingeladene Kommune kann ihre Einladung beantworten.',
    );
  throw new WorkshopTransitionError(
    `An invitation that is ${state} cannot be ${INV_ACTION_EN[action]}`,
    `Eine Einladung im Zustand „${INVITATION_STATE_DE[state]}“ kann nicht ${INV_ACTION_DE[action]} werden.`,
  );
}

export const allowedWorkshopActions = (state: WorkshopState, actor: WorkshopActor): WorkshopAction[] =>
  allowedInTable(WORKSHOP_TABLE, WORKSHOP_ACTIONS, state, actor);

export const allowedInvitationActions = (state: InvitationState, actor: WorkshopActor, ctx: AnswerContext): InvitationAction[] =>
  INVITATION_ACTIONS.filter((a) => {
    try {
      return nextInvitationState(state, a, actor, ctx) !== state;
    } catch {
      return false;
    }
  });

/**
 * A workshop is marked held only once it has begun (its date and time reached): null when it may be, else why not,
 * in English for the API and German for the pages. `formatDe` writes the date as the pages do.
 */
export function holdRefusal(
  startsAt: Date | null,
  now: Date,
  formatDe: (d: Date) => string,
): { code: string; message: string; messageDe: string } | null {
  if (!startsAt)
    return {
      code: 'not_yet_held',
      message: 'A workshop without a date cannot be marked as held',
      messageDe: 'Die Werkstatt hat noch keinen Termin und kann deshalb nicht als durchgeführt vermerkt werden.',
    };
  if (startsAt.getTime() > now.getTime())
    return {
      code: 'not_yet_held',
      message: `The workshop has not taken place yet (it starts ${startsAt.toISOString()}); mark it as held once it has begun`,
      messageDe: `Die Werkstatt hat noch nicht stattgefunden (Beginn: ${formatDe(startsAt)}). Sie können sie ab ihrem Beginn als durchgeführt vermerken.`,
    };
  return null;
}
