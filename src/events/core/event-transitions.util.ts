// The event lifecycle and a registration's states as two tables: which actor may take which step from which state.
// Plain TypeScript, no Nest or database imports, so both can be tested state by state.
import { allowedInTable, IllegalTransitionError, lookupTransition, TransitionTable } from '../../common/transition-table.util';

export const EVENT_KINDS = ['erfahrungswerkstatt', 'regionalkonferenz', 'forum', 'online_sprechstunde', 'besuch_vor_ort'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];
export const EVENT_FORMATS = ['in_person', 'online', 'hybrid'] as const;
export type EventFormat = (typeof EVENT_FORMATS)[number];
export type EventState = 'proposed' | 'returned' | 'draft' | 'published' | 'registration_closed' | 'held' | 'documented' | 'cancelled';
export const EVENT_ACTIONS = ['edit', 'propose', 'approve', 'return', 'publish', 'close', 'hold', 'document', 'cancel'] as const;
export type EventAction = (typeof EVENT_ACTIONS)[number];
/** The office's steps on the event page's step form (the review of a proposal has its own). */
export const OFFICE_STEPS = ['publish', 'close', 'hold', 'document', 'cancel'] as const;
export type OfficeStep = (typeof OFFICE_STEPS)[number];
/** States a town hosting the event proposes and revises in; no other town sees such an event. */
const PROPOSAL_STATES: readonly EventState[] = ['proposed', 'returned'];

export type RegistrationStatus = 'confirmed' | 'waiting' | 'cancelled';
export type RegistrationAction = 'cancel' | 'promote';

/**
 * office: the Geschäftsstelle; town: a contact of the registration's own town; host: a contact of the town that
 * proposed (hosts) the event; system: the scheduler and the waiting list.
 */
export type EventActor = 'office' | 'town' | 'host' | 'system';

export const TEXT_MAX_LENGTH = 4000;
export const REASON_MAX_LENGTH = 1000;
/** The office's comment when it returns a proposal to its host town. */
export const REVIEW_COMMENT_LIMITS = { min: 10, max: 1000 } as const;

const OFFICE = ['office'] as const;

// A town's proposal ("Wir laden ein"): the office approves it (→ draft, the office's from then on: the host edits no
// more) or returns it with a comment; the host revises a returned proposal and proposes it again.
const EVENT_TABLE: TransitionTable<EventState, EventAction, EventActor> = {
  proposed: {
    approve: { to: 'draft', actors: OFFICE },
    return: { to: 'returned', actors: OFFICE },
  },
  returned: {
    edit: { to: 'returned', actors: ['host'] },
    propose: { to: 'proposed', actors: ['host'] },
  },
  draft: {
    edit: { to: 'draft', actors: OFFICE },
    publish: { to: 'published', actors: OFFICE },
    cancel: { to: 'cancelled', actors: OFFICE },
  },
  published: {
    edit: { to: 'published', actors: OFFICE },
    // The deadline closes registration (the scheduler), or the office closes it early.
    close: { to: 'registration_closed', actors: ['office', 'system'] },
    hold: { to: 'held', actors: OFFICE },
    cancel: { to: 'cancelled', actors: OFFICE },
  },
  registration_closed: {
    edit: { to: 'registration_closed', actors: OFFICE },
    hold: { to: 'held', actors: OFFICE },
    cancel: { to: 'cancelled', actors: OFFICE },
  },
  held: { document: { to: 'documented', actors: OFFICE } },
};

// A registration is cancelled by its town or the office (an event's cancellation cancels all: system); the waiting
// list moves up through the system only.
const REGISTRATION_TABLE: TransitionTable<RegistrationStatus, RegistrationAction, EventActor> = {
  confirmed: { cancel: { to: 'cancelled', actors: ['town', 'office', 'system'] } },
  waiting: {
    cancel: { to: 'cancelled', actors: ['town', 'office', 'system'] },
    promote: { to: 'confirmed', actors: ['system'] },
  },
};

export const EVENT_KIND_DE: Record<EventKind, string> = {
  erfahrungswerkstatt: 'Erfahrungswerkstatt',
  regionalkonferenz: 'Regionalkonferenz',
  forum: 'Forum',
  online_sprechstunde: 'Online-Sprechstunde',
  besuch_vor_ort: 'Besuch vor Ort',
};
export const EVENT_FORMAT_DE: Record<EventFormat, string> = { in_person: 'vor Ort', online: 'online', hybrid: 'vor Ort und online' };
export const EVENT_STATE_DE: Record<EventState, string> = {
  proposed: 'vorgeschlagen, wartet auf die Geschäftsstelle',
  returned: 'mit Hinweis zurückgegeben',
  draft: 'Entwurf',
  published: 'Anmeldung offen',
  registration_closed: 'Anmeldung geschlossen',
  held: 'durchgeführt',
  documented: 'dokumentiert',
  cancelled: 'abgesagt',
};
export const REGISTRATION_STATUS_DE: Record<RegistrationStatus, string> = {
  confirmed: 'angemeldet',
  waiting: 'auf der Warteliste',
  cancelled: 'abgemeldet',
};
const ACTION_EN: Record<EventAction, string> = {
  edit: 'edited',
  propose: 'proposed',
  approve: 'approved',
  return: 'returned',
  publish: 'published',
  close: 'closed for registration',
  hold: 'marked as held',
  document: 'documented',
  cancel: 'cancelled',
};
const ACTION_DE: Record<EventAction, string> = {
  edit: 'bearbeitet',
  propose: 'vorgeschlagen',
  approve: 'übernommen',
  return: 'zurückgegeben',
  publish: 'veröffentlicht',
  close: 'für Anmeldungen geschlossen',
  hold: 'als durchgeführt vermerkt',
  document: 'dokumentiert',
  cancel: 'abgesagt',
};

/** An illegal step of an event or a registration. */
export class EventTransitionError extends IllegalTransitionError {}

/** The event's state after `action` by `actor`, or an EventTransitionError saying why not. */
export function nextEventState(state: EventState, action: EventAction, actor: EventActor): EventState {
  const r = lookupTransition(EVENT_TABLE, state, action, actor);
  if (r.ok) return r.to;
  if (r.kind === 'wrong_actor' && r.allowed.includes('host'))
    throw new EventTransitionError(
      'Only the host town may do this with its proposal',
      'Das kann nur die einladende Kommune mit ihrem Vorschlag tun.',
    );
  if (r.kind === 'wrong_actor')
    throw new EventTransitionError(
      'Only the office may do this with an event',
      `Eine Veranstaltung kann nur von der Geschäftsstelle ${ACTION_DE[action]} werden.`,
    );
  throw new EventTransitionError(
    `An event that is ${state} cannot be ${ACTION_EN[action]}`,
    `Eine Veranstaltung im Zustand „${EVENT_STATE_DE[state]}“ kann nicht ${ACTION_DE[action]} werden.`,
  );
}

/** The registration's status after `action` by `actor`, or an EventTransitionError. */
export function nextRegistrationStatus(status: RegistrationStatus, action: RegistrationAction, actor: EventActor): RegistrationStatus {
  const r = lookupTransition(REGISTRATION_TABLE, status, action, actor);
  if (r.ok) return r.to;
  if (status === 'cancelled')
    throw new EventTransitionError('This registration is already cancelled', 'Diese Anmeldung ist bereits zurückgenommen.');
  throw new EventTransitionError(
    `A registration that is ${status} cannot be ${action === 'promote' ? 'moved up' : 'cancelled'} by ${actor}`,
    `Eine Anmeldung im Zustand „${REGISTRATION_STATUS_DE[status]}“ kann so nicht geändert werden.`,
  );
}

/** A proposal (proposed or returned): only its host town and the office see it. */
export const isProposal = (state: EventState): boolean => PROPOSAL_STATES.includes(state);

/** Not (yet) announced to the network: a proposal or the office's draft. Towns other than the host do not see it. */
export const isUnannounced = (state: EventState): boolean => state === 'draft' || isProposal(state);

export const allowedEventActions = (state: EventState, actor: EventActor): EventAction[] =>
  allowedInTable(EVENT_TABLE, EVENT_ACTIONS, state, actor);

/** Whether people may register now: published, and the deadline not passed. Null when they may, else why not. */
export function registrationRefusal(
  e: { state: EventState; registrationDeadline: Date },
  now: Date,
): { code: string; message: string; messageDe: string } | null {
  if (e.state !== 'published' || e.registrationDeadline.getTime() <= now.getTime())
    return {
      code: 'registration_closed',
      message: 'Registration for this event is closed',
      messageDe: 'Die Anmeldung zu dieser Veranstaltung ist geschlossen.',
    };
  return null;
}

/** An event is marked held only once it has begun. */
export function holdRefusal(startsAt: Date, now: Date): { code: string; message: string; messageDe: string } | null {
  if (startsAt.getTime() <= now.getTime()) return null;
  return {
    code: 'not_yet_held',
    message: 'The event has not begun yet; mark it as held once it has',
    messageDe: 'Die Veranstaltung hat noch nicht begonnen. Sie können sie ab ihrem Beginn als durchgeführt vermerken.',
  };
}
