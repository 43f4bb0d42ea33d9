import fc from 'fast-check';
import { EXAMPLE_WEIGHT, exampleEvidence, type ExamplesByTown, exampleStrength } from '../../../src/matching/core/example-evidence.util';
import type { MatchTown } from '../../../src/matching/core/matching-input.types';
import { reasonList } from '../../../src/matching/core/reason-list.util';
import { buildContext } from '../../../src/matching/core/score.util';
import { baselineTopK, suggestPartners } from '../../../src/matching/core/suggestions.util';
import { DEFAULT_WEIGHTS } from '../../../src/matching/core/weights';
import { workshopGroups } from '../../../src/matching/core/workshop-groups.util';
import { TOPICS, townsArb } from './town.factory';

const NAMES = { leerstand: 'Leerstand', mobilitaet: 'Mobilität' };
const town = (id: string, over: Partial<MatchTown> = {}): MatchTown => ({
  id,
  name: id,
  stateCode: '05',
  stateName: 'Nordrhein-Westfalen',
  population: 9000,
  areaKm2: 50,
  degurba: 2,
  topics: ['leerstand'],
  challenges: [],
  experiences: [],
  capacity: 3,
  ...over,
});
const example = (townName: string, topics: string[], adoptions = 0, practiceTitle = 'Leerstandskataster') => ({
  practiceTitle,
  townName,
  topics,
  adoptions,
});

// Issue 27: a partner whose published example answers my challenge scores higher, with a true reason; outcome-weighted.
describe('published examples in the matching', () => {
  it('names the partner, my challenge and the example; none without a fitting challenge', () => {
    const me = town('me', { challenges: [{ topic: 'leerstand', urgency: 3 }] });
    const ev = exampleEvidence(me, [example('Musterstadt', ['leerstand'], 1)], NAMES);
    expect(ev).toEqual({
      strength: 0.75,
      reason: 'Musterstadt hat ein Anwendungsbeispiel zu Ihrer Herausforderung »Leerstand«: „Leerstandskataster“ – übernommen in 1 Kommune',
    });
    expect(exampleEvidence(me, [example('Musterstadt', ['leerstand'], 3)], NAMES)?.reason).toContain('übernommen in 3 Kommunen');
    expect(exampleEvidence(me, [example('Musterstadt', ['leerstand'])], NAMES)?.reason).not.toContain('übernommen');
    // Only my challenges count, not my topics.
    expect(exampleEvidence(town('x'), [example('Musterstadt', ['leerstand'])], NAMES)).toBeNull();
    expect(exampleEvidence(me, [example('Musterstadt', ['mobilitaet'])], NAMES)).toBeNull();
    // The most adopted fitting example is named.
    const two = exampleEvidence(me, [example('M', ['leerstand'], 0, 'Erstes'), example('M', ['leerstand'], 2, 'Zweites')], NAMES);
    expect(two?.reason).toContain('„Zweites“');
  });

  it('outcome-weighted: each adoption makes the example stronger, never past 1', () => {
    expect([0, 1, 2, 3].map(exampleStrength)).toEqual([0.5, 0.75, 0.875, 0.9375]);
    fc.assert(fc.property(fc.integer({ min: 0, max: 60 }), (n) => exampleStrength(n + 1) >= exampleStrength(n) && exampleStrength(n) <= 1));
  });

  it('a partner with a fitting example ranks above an otherwise equal one, and one taken over ranks higher still', () => {
    const me = town('me', { challenges: [{ topic: 'leerstand', urgency: 2 }] });
    const towns = [me, town('a'), town('b'), town('c')];
    const ctx = buildContext(towns, DEFAULT_WEIGHTS, NAMES);
    const plain = suggestPartners(ctx, towns, { k: 3, exposureCap: 10 }).suggestions.filter((s) => s.townId === 'me');
    expect(plain.map((s) => s.partnerId)).toEqual(['a', 'b', 'c']); // equal towns: by index
    const examples: ExamplesByTown = { b: [example('b', ['leerstand'], 0)], c: [example('c', ['leerstand'], 1)] };
    const mine = suggestPartners(ctx, towns, { k: 3, exposureCap: 10, examples }).suggestions.filter((s) => s.townId === 'me');
    expect(mine.map((s) => s.partnerId)).toEqual(['c', 'b', 'a']);
    const base = plain[0].score;
    expect(mine[0].score).toBeCloseTo(base + EXAMPLE_WEIGHT * 0.75 * (1 - base), 12);
    expect(mine[1].score).toBeCloseTo(base + EXAMPLE_WEIGHT * 0.5 * (1 - base), 12);
    expect(mine[2].score).toBe(base);
    const reasons = reasonList(mine[0].components).items;
    expect(reasons.map((r) => r.label)).toContain('Anwendungsbeispiel');
    expect(reasons.map((r) => r.text)).toContain(
      'c hat ein Anwendungsbeispiel zu Ihrer Herausforderung »Leerstand«: „Leerstandskataster“ – übernommen in 1 Kommune',
    );
    // The example's town gains in my list only: in its own list nothing answers its (empty) challenges.
    const theirs = suggestPartners(ctx, towns, { k: 3, exposureCap: 10, examples }).suggestions.filter((s) => s.townId === 'c');
    expect(theirs.every((s) => s.components.every((c) => c.key !== 'example'))).toBe(true);
  });

  it('property (oracle): with examples the fast engine ranks exactly like the plain per-pair loop; components sum to the score', () => {
    const exampleArb = fc.record({
      practiceTitle: fc.constantFrom('A', 'B', 'C'),
      townName: fc.constant('X'),
      topics: fc.uniqueArray(fc.constantFrom(...TOPICS), { minLength: 1, maxLength: 2 }),
      adoptions: fc.integer({ min: 0, max: 3 }),
    });
    fc.assert(
      fc.property(
        townsArb(2, 16),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 15 }), exampleArb), { maxLength: 8 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 4 }),
        (ts, placed, basis, k) => {
          const towns = ts.map((t) => ({ ...t, capacity: 1 }));
          const examples: Record<string, ReturnType<typeof example>[]> = {};
          for (const [i, e] of placed) if (i < towns.length) (examples[towns[i].id] ??= []).push(e);
          const ctx = buildContext(towns, { ...DEFAULT_WEIGHTS, requireTopicalBasis: basis });
          const fast = suggestPartners(ctx, towns, { k, exposureCap: 1000, examples });
          for (const s of baselineTopK(ctx, towns, k, undefined, examples)) {
            const mine = fast.suggestions.filter((x) => x.townId === s.townId);
            expect(mine.map((x) => x.partnerId)).toEqual(s.partners.map((p) => p.id));
            expect(mine.map((x) => x.score)).toEqual(s.partners.map((p) => p.score));
            for (const m of mine) {
              expect(m.components.reduce((a, c) => a + c.value, 0)).toBeCloseTo(m.score, 12);
              expect(m.score).toBeLessThanOrEqual(1);
              const ex = m.components.find((c) => c.key === 'example');
              if (ex) expect(ex.reason).toMatch(/^X hat ein Anwendungsbeispiel zu Ihrer Herausforderung »[^«]+«: „[ABC]“/);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('workshop groups: a town with a fitting example counts as the experienced member', () => {
    const states = ['01', '05', '06', '09', '12'];
    const towns = states.map((s, i) => town(`w${i}`, { stateCode: s, stateName: `Land ${s}` }));
    // Nobody has experience in the profile: no group, unless one town's published example answers the theme.
    expect(workshopGroups(buildContext(towns, DEFAULT_WEIGHTS), towns, 'leerstand').groups).toEqual([]);
    const r = workshopGroups(buildContext(towns, DEFAULT_WEIGHTS), towns, 'leerstand', { exampleTowns: new Set(['w3']) });
    expect(r.groups).toHaveLength(1);
    expect(r.groups[0].townIds).toContain('w3');
    expect(r.leftOut).toEqual([]);
  });
});
