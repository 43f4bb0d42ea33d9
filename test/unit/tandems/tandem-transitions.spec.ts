import {
  allowedActions,
  FINAL_STATES,
  initialState,
  nextState,
  TANDEM_ACTIONS,
  TANDEM_ACTORS,
  TANDEM_STATES,
  TandemAction,
  TandemActor,
  TandemState,
  TandemTransitionError,
} from '../../../src/tandems/core/tandem-transitions.util';

// The expected lifecycle written out independently of the implementation's table: "state action actor → next".
// Every combination not listed here must be refused.
const LEGAL = `
requested accept partner → accepted
requested decline partner → declined
requested withdraw requester → withdrawn
requested reject office → rejected
requested expire system → expired
accepted approve office → approved
accepted reject office → rejected
accepted withdraw requester → withdrawn
accepted withdraw partner → withdrawn
approved start requester → active
approved start partner → active
approved start office → active
approved cancel requester → cancelled
approved cancel partner → cancelled
approved cancel office → cancelled
approved expire system → expired
active conclude requester → concluded
active conclude partner → concluded
active conclude office → concluded
active conclude system → concluded
active cancel requester → cancelled
active cancel partner → cancelled
active cancel office → cancelled
active not_a_fit requester → not_a_fit
active not_a_fit partner → not_a_fit
proposed accept requester → proposed|active
proposed accept partner → proposed|active
proposed decline requester → declined
proposed decline partner → declined
proposed withdraw office → withdrawn
proposed expire system → expired
`;

const expected = new Map<string, string>();
for (const line of LEGAL.trim().split('\n')) {
  const [key, to] = line.split(' → ');
  expected.set(key, to);
}

function errorOf(fn: () => unknown): TandemTransitionError {
  try {
    fn();
  } catch (e) {
    if (e instanceof TandemTransitionError) return e;
    throw e;
  }
  throw new Error('expected a TandemTransitionError, but the step was allowed');
}

const cases: [TandemState, TandemAction, TandemActor][] = [];
for (const s of TANDEM_STATES) for (const a of TANDEM_ACTIONS) for (const r of TANDEM_ACTORS) cases.push([s, a, r]);

describe('tandem transition table: every state × action × actor', () => {
  it('covers 12 states × 10 actions × 4 actors', () => {
    expect(cases).toHaveLength(12 * 10 * 4);
    expect(expected.size).toBe(31);
  });

  it.each(cases)('%s + %s by %s', (state, action, actor) => {
    const want = expected.get(`${state} ${action} ${actor}`);
    if (want === undefined) {
      const e = errorOf(() => nextState(state, action, actor));
      expect(e).toMatchObject({ code: 'illegal_transition', state, action, actor });
      expect(e.message).toMatch(/^(This|A|Only) /);
      expect(e.message).not.toMatch(/[äöüß„]/);
      expect(e.messageDe).toMatch(/^(Dieses|Ein|Nur) .*\.$/);
      expect(allowedActions(state, actor)).not.toContain(action);
    } else if (want === 'proposed|active') {
      expect(nextState(state, action, actor, { otherTownAccepted: false })).toBe('proposed');
      expect(nextState(state, action, actor, { otherTownAccepted: true })).toBe('active');
      expect(allowedActions(state, actor)).toContain(action);
    } else {
      expect(nextState(state, action, actor)).toBe(want);
      expect(allowedActions(state, actor)).toContain(action);
    }
  });

  it('final states allow nothing and say so in both languages', () => {
    for (const s of FINAL_STATES) for (const r of TANDEM_ACTORS) expect(allowedActions(s, r)).toEqual([]);
    expect(() => nextState('concluded', 'cancel', 'office')).toThrow('This tandem is already concluded; it cannot be cancelled any more');
    expect(errorOf(() => nextState('withdrawn', 'approve', 'office')).messageDe).toBe(
      'Dieses Tandem ist bereits zurückgezogen; es kann nicht mehr genehmigt werden.',
    );
    expect(errorOf(() => nextState('requested', 'conclude', 'requester')).messageDe).toBe(
      'Ein Tandem im Zustand „angefragt“ kann nicht abgeschlossen werden.',
    );
  });

  it('names who may act when the wrong actor tries', () => {
    expect(() => nextState('requested', 'accept', 'requester')).toThrow(
      'Only the partner town may accept a tandem that is requested, not the requesting town',
    );
    expect(errorOf(() => nextState('accepted', 'approve', 'partner')).messageDe).toBe(
      'Nur die Geschäftsstelle kann ein Tandem im Zustand „angenommen, wartet auf Freigabe“ genehmigen.',
    );
  });

  it('starts requests and proposals in their own states', () => {
    expect(initialState('request')).toBe('requested');
    expect(initialState('office_proposal')).toBe('proposed');
  });
});
