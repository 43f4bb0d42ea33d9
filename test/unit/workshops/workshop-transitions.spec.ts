import {
  allowedInvitationActions,
  allowedWorkshopActions,
  holdRefusal,
  InvitationAction,
  InvitationState,
  nextInvitationState,
  nextWorkshopState,
  WORKSHOP_ACTIONS,
  WORKSHOP_STATES,
  WorkshopAction,
  WorkshopState,
  WorkshopTransitionError,
} from '../../../src/workshops/workshop-transitions.util';

// Every (state, action) pair of the workshop table: the allowed ones and their target, everything else refused.
describe('workshop transitions', () => {
  const allowed: [WorkshopState, WorkshopAction, WorkshopState][] = [
    ['draft', 'edit', 'draft'],
    ['draft', 'invite', 'draft'],
    ['draft', 'publish', 'invited'],
    ['draft', 'cancel', 'cancelled'],
    ['invited', 'edit', 'invited'],
    ['invited', 'invite', 'invited'],
    ['invited', 'close', 'invited'],
    ['invited', 'confirm', 'confirmed'],
    ['invited', 'cancel', 'cancelled'],
    ['confirmed', 'edit', 'confirmed'],
    ['confirmed', 'invite', 'confirmed'],
    ['confirmed', 'close', 'confirmed'],
    ['confirmed', 'hold', 'held'],
    ['confirmed', 'cancel', 'cancelled'],
    ['held', 'document', 'documented'],
  ];
  it.each(allowed)('%s --%s--> %s (office)', (from, action, to) => {
    expect(nextWorkshopState(from, action, 'office')).toBe(to);
  });

  const refused = WORKSHOP_STATES.flatMap((s) => WORKSHOP_ACTIONS.map((a) => [s, a] as const)).filter(
    ([s, a]) => !allowed.some(([f, x]) => f === s && x === a),
  );
  it.each(refused)('%s --%s--> refused with a German and an English reason', (from, action) => {
    try {
      nextWorkshopState(from, action, 'office');
      throw new Error('should have thrown');
    } catch (err) {
      expect(err).toBeInstanceOf(WorkshopTransitionError);
      expect((err as Error).message).toContain(from);
      expect((err as WorkshopTransitionError).messageDe).toMatch(/^Eine Werkstatt im Zustand „.+“ kann nicht/);
    }
  });

  it.each(allowed)('a town cannot %s --%s--> (office only)', (from, action) => {
    expect(() => nextWorkshopState(from, action, 'town')).toThrow(/Only the office/);
  });

  it('cancel is possible from draft, invited and confirmed only', () => {
    const from = WORKSHOP_STATES.filter((s) => allowedWorkshopActions(s, 'office').includes('cancel'));
    expect(from).toEqual(['draft', 'invited', 'confirmed']);
  });
});

describe('invitation transitions', () => {
  const open = { workshopState: 'invited' as const, invitationsClosed: false };
  const cases: [InvitationState, InvitationAction, 'town' | 'office', InvitationState | RegExp][] = [
    ['invited', 'accept', 'town', 'accepted'],
    ['invited', 'decline', 'town', 'declined'],
    ['accepted', 'accept', 'town', 'accepted'], // a double click changes nothing
    ['accepted', 'decline', 'town', 'declined'],
    ['declined', 'accept', 'town', 'accepted'],
    ['declined', 'decline', 'town', 'declined'],
    ['invited', 'withdraw', 'office', 'withdrawn'],
    ['accepted', 'withdraw', 'office', 'withdrawn'],
    ['declined', 'withdraw', 'office', 'withdrawn'],
    ['withdrawn', 'accept', 'town', /cannot be accepted/],
    ['withdrawn', 'withdraw', 'office', /cannot be withdrawn/],
    ['invited', 'accept', 'office', /Only the invited town/],
    ['invited', 'withdraw', 'town', /Only the office/],
  ];
  it.each(cases)('%s --%s by %s--> %s', (from, action, actor, expected) => {
    if (expected instanceof RegExp) expect(() => nextInvitationState(from, action, actor, open)).toThrow(expected);
    else expect(nextInvitationState(from, action, actor, open)).toBe(expected);
  });

  it.each([
    ['draft', false, /draft; invitations cannot be answered/],
    ['held', false, /held/],
    ['cancelled', false, /cancelled/],
    ['invited', true, /closed the invitations/],
    ['confirmed', true, /closed the invitations/],
  ] as const)('a town cannot answer when the workshop is %s (closed: %s)', (workshopState, invitationsClosed, msg) => {
    expect(() => nextInvitationState('invited', 'accept', 'town', { workshopState, invitationsClosed })).toThrow(msg);
    try {
      nextInvitationState('invited', 'accept', 'town', { workshopState, invitationsClosed });
    } catch (err) {
      expect((err as WorkshopTransitionError).messageDe).toMatch(/Werkstatt|Geschäftsstelle/);
    }
  });

  it('the office can still withdraw an invitation after closing', () => {
    expect(nextInvitationState('accepted', 'withdraw', 'office', { workshopState: 'confirmed', invitationsClosed: true })).toBe(
      'withdrawn',
    );
  });

  it('offers the answers that change something', () => {
    expect(allowedInvitationActions('invited', 'town', open)).toEqual(['accept', 'decline']);
    expect(allowedInvitationActions('accepted', 'town', open)).toEqual(['decline']);
    expect(allowedInvitationActions('accepted', 'town', { ...open, invitationsClosed: true })).toEqual([]);
  });
});

// Issue 25: a workshop could be marked held before its date.
describe('marking a workshop held', () => {
  const now = new Date('2027-03-10T09:00:00Z');
  const fmt = (d: Date) => d.toISOString().slice(0, 10);
  it('is refused before the workshop begins, and without a date, with a German reason naming the date', () => {
    const early = holdRefusal(new Date('2027-03-11T09:00:00Z'), now, fmt)!;
    expect(early.code).toBe('not_yet_held');
    expect(early.messageDe).toBe(
      'Die Werkstatt hat noch nicht stattgefunden (Beginn: 2027-03-11). Sie können sie ab ihrem Beginn als durchgeführt vermerken.',
    );
    expect(early.message).toMatch(/has not taken place yet/);
    expect(holdRefusal(null, now, fmt)!.messageDe).toContain('noch keinen Termin');
  });
  it('is allowed from the start time on', () => {
    expect(holdRefusal(now, now, fmt)).toBeNull();
    expect(holdRefusal(new Date('2027-03-01T09:00:00Z'), now, fmt)).toBeNull();
  });
});
