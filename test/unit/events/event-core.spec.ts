import {
  allowedEventActions,
  EventTransitionError,
  holdRefusal,
  isProposal,
  isUnannounced,
  nextEventState,
  nextRegistrationStatus,
  registrationRefusal,
} from '../../../src/events/core/event-transitions.util';
import { nextToMoveUp, placementFor, waitingRanks } from '../../../src/events/core/event-places.util';
import { AudienceTown, matchesTarget, rankAudience } from '../../../src/events/core/event-audience.util';

const NOW = new Date('2027-03-01T10:00:00Z');

describe('event lifecycle (transition table)', () => {
  it('goes draft → published → registration_closed → held → documented, and cancels before it is held', () => {
    expect(nextEventState('draft', 'publish', 'office')).toBe('published');
    expect(nextEventState('published', 'close', 'system')).toBe('registration_closed');
    expect(nextEventState('registration_closed', 'hold', 'office')).toBe('held');
    expect(nextEventState('held', 'document', 'office')).toBe('documented');
    for (const s of ['draft', 'published', 'registration_closed'] as const) expect(nextEventState(s, 'cancel', 'office')).toBe('cancelled');
  });

  it('refuses steps that do not exist or belong to another actor, in English and German', () => {
    expect(() => nextEventState('held', 'cancel', 'office')).toThrow('An event that is held cannot be cancelled');
    expect(() => nextEventState('documented', 'edit', 'office')).toThrow(EventTransitionError);
    expect(() => nextEventState('draft', 'publish', 'town')).toThrow('Only the office may do this with an event');
    expect(() => nextEventState('draft', 'close', 'system')).toThrow(EventTransitionError);
    const germanOf = (step: () => unknown) => {
      try {
        step();
      } catch (e) {
        return (e as EventTransitionError).messageDe;
      }
      return 'no refusal';
    };
    expect(germanOf(() => nextEventState('cancelled', 'publish', 'office'))).toBe(
      'Eine Veranstaltung im Zustand „abgesagt“ kann nicht veröffentlicht werden.',
    );
    expect(germanOf(() => nextEventState('draft', 'publish', 'town'))).toBe(
      'Eine Veranstaltung kann nur von der Geschäftsstelle veröffentlicht werden.',
    );
  });

  it('lists the office’s steps per state (for buttons and allowedActions)', () => {
    expect(allowedEventActions('draft', 'office')).toEqual(['edit', 'publish', 'cancel']);
    expect(allowedEventActions('published', 'office')).toEqual(['edit', 'close', 'hold', 'cancel']);
    expect(allowedEventActions('held', 'office')).toEqual(['document']);
    expect(allowedEventActions('documented', 'office')).toEqual([]);
    expect(allowedEventActions('published', 'town')).toEqual([]);
  });

  it('a town’s proposal: the office approves it (→ draft) or returns it; the host revises and proposes it again', () => {
    expect(nextEventState('proposed', 'approve', 'office')).toBe('draft');
    expect(nextEventState('proposed', 'return', 'office')).toBe('returned');
    expect(nextEventState('returned', 'edit', 'host')).toBe('returned');
    expect(nextEventState('returned', 'propose', 'host')).toBe('proposed');
    expect(allowedEventActions('proposed', 'office')).toEqual(['approve', 'return']);
    expect(allowedEventActions('returned', 'host')).toEqual(['edit', 'propose']);
    expect(allowedEventActions('returned', 'office')).toEqual([]);
    // Once the office has it, the host takes no step: the office owns the event.
    for (const s of ['draft', 'published', 'registration_closed', 'held', 'documented', 'cancelled'] as const)
      expect(allowedEventActions(s, 'host')).toEqual([]);
  });

  it('refuses the wrong actor or state of a proposal, naming who may, in English and German', () => {
    expect(() => nextEventState('proposed', 'approve', 'host')).toThrow('Only the office may do this with an event');
    expect(() => nextEventState('returned', 'propose', 'office')).toThrow('Only the host town may do this with its proposal');
    expect(() => nextEventState('proposed', 'edit', 'host')).toThrow('An event that is proposed cannot be edited');
    expect(() => nextEventState('proposed', 'publish', 'office')).toThrow('An event that is proposed cannot be published');
    expect(() => nextEventState('draft', 'approve', 'office')).toThrow('An event that is draft cannot be approved');
    expect(() => nextEventState('returned', 'return', 'office')).toThrow(EventTransitionError);
    try {
      nextEventState('returned', 'propose', 'town');
    } catch (e) {
      expect((e as EventTransitionError).messageDe).toBe('Das kann nur die einladende Kommune mit ihrem Vorschlag tun.');
    }
    expect([isProposal('proposed'), isProposal('returned'), isProposal('draft')]).toEqual([true, true, false]);
    expect([isUnannounced('draft'), isUnannounced('returned'), isUnannounced('published')]).toEqual([true, true, false]);
  });

  it('registrations: cancelled by town, office or system; only the system moves one up; cancelled is final', () => {
    expect(nextRegistrationStatus('confirmed', 'cancel', 'town')).toBe('cancelled');
    expect(nextRegistrationStatus('waiting', 'promote', 'system')).toBe('confirmed');
    expect(() => nextRegistrationStatus('waiting', 'promote', 'town')).toThrow(EventTransitionError);
    expect(() => nextRegistrationStatus('confirmed', 'promote', 'system')).toThrow(EventTransitionError);
    expect(() => nextRegistrationStatus('cancelled', 'cancel', 'town')).toThrow('This registration is already cancelled');
  });

  it('registration is open only while published and before the deadline; held only once begun', () => {
    const deadline = new Date(NOW.getTime() + 1000);
    expect(registrationRefusal({ state: 'published', registrationDeadline: deadline }, NOW)).toBeNull();
    expect(registrationRefusal({ state: 'published', registrationDeadline: NOW }, NOW)?.code).toBe('registration_closed');
    expect(registrationRefusal({ state: 'registration_closed', registrationDeadline: deadline }, NOW)?.code).toBe('registration_closed');
    expect(registrationRefusal({ state: 'draft', registrationDeadline: deadline }, NOW)).not.toBeNull();
    expect(holdRefusal(deadline, NOW)?.code).toBe('not_yet_held');
    expect(holdRefusal(NOW, NOW)).toBeNull();
  });
});

describe('places and the waiting list', () => {
  const p = { placesTotal: 3, placesPerTown: 2 };

  it('gives a place while places last overall and for the town; else the waiting list', () => {
    expect(placementFor(p, 0, 0)).toBe('confirmed');
    expect(placementFor(p, 2, 1)).toBe('confirmed');
    expect(placementFor(p, 2, 2)).toBe('waiting');
    expect(placementFor(p, 3, 0)).toBe('waiting');
    expect(placementFor({ placesTotal: 3, placesPerTown: null }, 2, 2)).toBe('confirmed');
  });

  it('moves up in waiting order as many as places are free, skipping a town that used its places', () => {
    const waiting = [
      { id: 'w3', townId: 'c', waitingPosition: 7 },
      { id: 'w1', townId: 'a', waitingPosition: 2 },
      { id: 'w2', townId: 'b', waitingPosition: 5 },
    ];
    // a has 2 (its limit), b 0: one place free → w2 (w1 keeps its position).
    expect(nextToMoveUp(p, waiting, new Map([['a', 2]]))).toEqual(['w2']);
    // Two free places, no per-town limit: the first two in order.
    expect(nextToMoveUp({ placesTotal: 3, placesPerTown: null }, waiting, new Map([['a', 1]]))).toEqual(['w1', 'w2']);
    // Full: nobody.
    expect(nextToMoveUp(p, waiting, new Map([['x', 3]]))).toEqual([]);
    expect([...waitingRanks(waiting)]).toEqual([
      ['w1', 1],
      ['w2', 2],
      ['w3', 3],
    ]);
  });
});

describe('the audience of an event', () => {
  const town = (over: Partial<AudienceTown>): AudienceTown => ({
    id: over.name ?? 'x',
    name: 'X',
    stateCode: '12',
    stateName: 'Brandenburg',
    population: 7000,
    topics: [],
    challengeTopics: [],
    connected: true,
    ...over,
  });
  const names = new Map([
    ['leerstand', 'Leerstand'],
    ['mobilitaet', 'Mobilität'],
  ]);

  it('matches Länder, size classes and topics (any one); no target means all', () => {
    const t = town({ topics: ['mobilitaet'] });
    expect(matchesTarget(t, { states: [], sizeClasses: [], topics: [] })).toBe(true);
    expect(matchesTarget(t, { states: ['12'], sizeClasses: ['kleine-kleinstadt'], topics: ['leerstand', 'mobilitaet'] })).toBe(true);
    expect(matchesTarget(t, { states: ['09'], sizeClasses: [], topics: [] })).toBe(false);
    expect(matchesTarget(t, { states: [], sizeClasses: ['ab-20000'], topics: [] })).toBe(false);
    expect(matchesTarget(t, { states: [], sizeClasses: [], topics: ['leerstand'] })).toBe(false);
  });

  it('ranks towns with the event’s topic as a challenge first, then towns not yet connected, each with true reasons', () => {
    const target = { states: ['12'], sizeClasses: [], topics: [] };
    const ranked = rankAudience(
      [
        town({ name: 'Anstadt' }),
        town({ name: 'Bedorf', connected: false }),
        town({ name: 'Cehausen', challengeTopics: ['leerstand'], topics: ['leerstand'] }),
        town({ name: 'Fremdland', stateCode: '09', stateName: 'Bayern', connected: false }),
      ],
      target,
      ['leerstand'],
      names,
    );
    expect(ranked.map((r) => r.name)).toEqual(['Cehausen', 'Bedorf', 'Anstadt']);
    expect(ranked[0].reasons).toEqual([
      'nennt „Leerstand“ als Herausforderung',
      'liegt in Brandenburg, für das die Veranstaltung gedacht ist',
    ]);
    expect(ranked[1].reasons[0]).toBe('ist noch in keinem Tandem und keiner Werkstatt: ein guter Einstieg ins Netzwerk');
    expect(ranked[2].reasons).toEqual(['liegt in Brandenburg, für das die Veranstaltung gedacht ist']);
  });

  it('a challenge the reader may not see gives no reason (the caller passes only visible topics)', () => {
    const [r] = rankAudience([town({ name: 'Verdeckt' })], { states: [], sizeClasses: [], topics: [] }, ['leerstand'], names);
    expect(r.reasons).toEqual(['die Veranstaltung richtet sich an alle Kommunen im Netzwerk']);
    expect(r.fit).toBe(0);
  });
});
