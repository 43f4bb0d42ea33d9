import fc from 'fast-check';
import {
  ACTIVITY_FULL_DAYS,
  ACTIVITY_GRACE_DAYS,
  ACTIVITY_MAX_PENALTY,
  activityNote,
  activityPenalty,
  rankWithActivity,
} from '../../../src/matching/core/activity.util';
import { MatchTown } from '../../../src/matching/core/matching-input.types';
import { buildContext } from '../../../src/matching/core/score.util';
import { suggestPartners } from '../../../src/matching/core/suggestions.util';
import { DEFAULT_WEIGHTS } from '../../../src/matching/core/weights';
import { townsArb } from './town.factory';

const town = (id: string, over: Partial<MatchTown> = {}): MatchTown => ({
  id,
  stateCode: '05',
  stateName: 'Nordrhein-Westfalen',
  population: 10_000,
  areaKm2: 50,
  degurba: 3,
  topics: ['leerstand'],
  challenges: [],
  experiences: [],
  capacity: 2,
  ...over,
});

describe('activity signal (issue 23)', () => {
  it('the penalty is 0 within the grace, grows linearly and stays small', () => {
    expect(activityPenalty(undefined)).toBe(0);
    expect(activityPenalty(0)).toBe(0);
    expect(activityPenalty(ACTIVITY_GRACE_DAYS)).toBe(0);
    expect(activityPenalty(120)).toBeCloseTo(ACTIVITY_MAX_PENALTY / 2, 6);
    expect(activityPenalty(ACTIVITY_FULL_DAYS)).toBe(ACTIVITY_MAX_PENALTY);
    expect(activityPenalty(5000)).toBe(ACTIVITY_MAX_PENALTY);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 1000 }), (a, b) => {
        const [lo, hi] = a < b ? [a, b] : [b, a];
        expect(activityPenalty(lo)).toBeLessThanOrEqual(activityPenalty(hi));
      }),
    );
  });

  it('the note says a true number of months', () => {
    expect(activityNote(61)).toBe('zuletzt vor mehr als einem Monat aktiv');
    expect(activityNote(92)).toBe('zuletzt vor mehr als zwei Monaten aktiv');
    expect(activityNote(93)).toBe('zuletzt vor mehr als drei Monaten aktiv');
    expect(activityNote(400)).toBe('zuletzt vor mehr als einem Jahr aktiv');
    fc.assert(
      fc.property(fc.integer({ min: 61, max: 360 }), (days) => {
        const words = ['einem', 'zwei', 'drei', 'vier', 'fünf', 'sechs', 'sieben', 'acht', 'neun', 'zehn', 'elf'];
        const n = words.findIndex((w) => activityNote(days).includes(`mehr als ${w} `)) + 1;
        expect(n).toBeGreaterThan(0);
        expect(n * 31).toBeLessThanOrEqual(days); // n months of at most 31 days each lie within the silence
      }),
    );
  });

  it('ranks a long-silent partner below an active one of nearly the same score, with the note only where it lowered the rank', () => {
    const { ranked, lowered } = rankWithActivity(
      [
        { j: 1, score: 0.52 },
        { j: 2, score: 0.5 },
        { j: 3, score: 0.3 },
      ],
      (j) => (j === 1 ? 0.05 : j === 3 ? 0.05 : 0),
    );
    expect(ranked.map((r) => r.j)).toEqual([2, 1, 3]);
    // 1 fell behind 2 (lower score): the note holds. 3 is last anyway: no note.
    expect([...lowered]).toEqual([1]);
  });

  it('suggestions: the silent partner drops behind an equally fitting active one and carries the note; without silentDays nothing changes', () => {
    // Two partners with the same fit for town a; b is the lower index, so it comes first on a tie.
    const towns = [town('a'), town('b'), town('c')];
    const ctx = buildContext(towns, DEFAULT_WEIGHTS);
    const plain = suggestPartners(ctx, towns, { k: 2, exposureCap: 10 }).suggestions.filter((s) => s.townId === 'a');
    expect(plain.map((s) => s.partnerId)).toEqual(['b', 'c']);
    expect(plain.every((s) => s.activityNote === undefined)).toBe(true);

    const silent = suggestPartners(ctx, towns, { k: 2, exposureCap: 10, silentDays: { a: 3, b: 130, c: 10 } }).suggestions.filter(
      (s) => s.townId === 'a',
    );
    expect(silent.map((s) => [s.partnerId, s.rank, s.activityNote])).toEqual([
      ['c', 1, undefined],
      ['b', 2, 'zuletzt vor mehr als vier Monaten aktiv'],
    ]);
    // The stored score is the fit itself; components still sum to it.
    for (const s of silent) expect(s.components.reduce((x, c) => x + c.value, 0)).toBeCloseTo(s.score, 12);
    expect(silent[0].score).toBe(silent[1].score);
  });

  it('a clearly better fit stays ahead despite the silence (no note)', () => {
    const towns = [
      town('a', { challenges: [{ topic: 'leerstand', urgency: 3 }] }),
      town('b', { experiences: [{ topic: 'leerstand' }] }), // its experience meets a's challenge
      town('c', { population: 30_000, stateCode: '05' }),
    ];
    const ctx = buildContext(towns, DEFAULT_WEIGHTS);
    const list = suggestPartners(ctx, towns, { k: 2, exposureCap: 10, silentDays: { b: 400 } }).suggestions.filter((s) => s.townId === 'a');
    expect(list[0].partnerId).toBe('b');
    expect(list[0].score - list[1].score).toBeGreaterThan(ACTIVITY_MAX_PENALTY);
    expect(list.every((s) => s.activityNote === undefined)).toBe(true);
  });

  it('property: deterministic, same partners per list as without the signal when lists are not cut, and notes only on lowered ranks', () => {
    fc.assert(
      fc.property(townsArb(3, 12), fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 12, maxLength: 12 }), (ts, days) => {
        const towns = ts.map((t) => ({ ...t, capacity: 1 }));
        const ctx = buildContext(towns, { ...DEFAULT_WEIGHTS, requireTopicalBasis: false });
        const silentDays = Object.fromEntries(towns.map((t, i) => [t.id, days[i]]));
        const k = towns.length - 1;
        const rules = { k, exposureCap: 1000, silentDays };
        const one = suggestPartners(ctx, towns, rules).suggestions;
        expect(suggestPartners(ctx, towns, rules).suggestions).toEqual(one);
        const plain = suggestPartners(ctx, towns, { k, exposureCap: 1000 }).suggestions;
        for (const t of towns) {
          const mine = one.filter((s) => s.townId === t.id);
          const before = plain.filter((s) => s.townId === t.id);
          expect(new Set(mine.map((s) => s.partnerId))).toEqual(new Set(before.map((s) => s.partnerId)));
          mine.forEach((s, r) => {
            expect(s.rank).toBe(r + 1);
            const idx = (id: string) => towns.findIndex((x) => x.id === id);
            const passedBy = mine
              .slice(0, r)
              .some((o) => o.score < s.score || (o.score === s.score && idx(o.partnerId) > idx(s.partnerId)));
            expect(s.activityNote !== undefined).toBe(passedBy && activityPenalty(silentDays[s.partnerId]) > 0);
          });
        }
      }),
      { numRuns: 60 },
    );
  });
});
