import fc from 'fast-check';
import { MatchTown } from '../../../src/matching/core/matching-input.types';
import { buildContext, hasTopicalBasis, scorePair } from '../../../src/matching/core/score.util';
import { preparePass } from '../../../src/matching/core/candidate-features.util';
import { sharedPass } from '../../../src/matching/core/candidate-lists.util';
import { candidateLists, scanPass } from '../../../src/matching/core/candidate-pass.util';
import { baselineTopK, suggestPartners } from '../../../src/matching/core/suggestions.util';
import { DEFAULT_WEIGHTS } from '../../../src/matching/core/weights';
import { townsArb } from './town.factory';

const pairKey = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);

describe('suggestions', () => {
  it('property: the fast engine ranks exactly like the plain per-pair loop (no cap, no exclusions)', () => {
    fc.assert(
      fc.property(townsArb(2, 14), fc.constantFrom('near' as const, 'none' as const), fc.boolean(), (ts, pref, basis) => {
        // Every town with a free tandem place (capacity 0 keeps a town out of others' lists, see suggestion-rules.spec).
        const towns = ts.map((t) => ({ ...t, capacity: 1 }));
        const ctx = buildContext(towns, { ...DEFAULT_WEIGHTS, distancePreference: pref, requireTopicalBasis: basis });
        const k = 3;
        const fast = suggestPartners(ctx, towns, { k, exposureCap: 1000 });
        const slow = baselineTopK(ctx, towns, k);
        for (const s of slow) {
          const mine = fast.suggestions.filter((x) => x.townId === s.townId);
          // Bit-identical: same formulas, same order of additions, dyadic IDF values.
          expect(mine.map((x) => x.score)).toEqual(s.partners.map((p) => p.score));
          expect(mine.map((x) => x.partnerId)).toEqual(s.partners.map((p) => p.id));
          for (const m of mine) expect(m.components.reduce((a, c) => a + c.value, 0)).toBeCloseTo(m.score, 12);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('property: hard rules hold, the exposure cap holds, and every town with an allowed partner is covered', () => {
    fc.assert(
      fc.property(townsArb(3, 25), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 1e6 }), (ts, k, seed) => {
        // Capacity and the topical basis have their own properties (suggestion-rules.spec); here every pair is allowed.
        const towns = ts.map((t) => ({ ...t, capacity: 1 }));
        const ctx = buildContext(towns, { ...DEFAULT_WEIGHTS, requireTopicalBasis: false });
        const ids = towns.map((t) => t.id);
        const tandem: [string, string][] = [[ids[0], ids[1]]];
        const now = new Date('2026-11-24T00:00:00Z');
        const declined = [
          { a: ids[1], b: ids[2], at: new Date('2026-06-01T00:00:00Z') }, // within 12 months: excluded
          { a: ids[0], b: ids[2], at: new Date('2024-01-01T00:00:00Z') }, // long ago: allowed again
        ];
        const cap = k + 1 + (seed % 3);
        const r = suggestPartners(ctx, towns, { k, exposureCap: cap, tandemPairs: tandem, declinedPairs: declined, now });
        const exposure = new Map<string, number>();
        const perTown = new Map<string, Set<string>>();
        for (const s of r.suggestions) {
          expect(s.townId).not.toBe(s.partnerId);
          expect(pairKey(s.townId, s.partnerId)).not.toBe(pairKey(ids[0], ids[1]));
          expect(pairKey(s.townId, s.partnerId)).not.toBe(pairKey(ids[1], ids[2]));
          exposure.set(s.partnerId, (exposure.get(s.partnerId) ?? 0) + 1);
          const set = perTown.get(s.townId) ?? new Set();
          expect(set.has(s.partnerId)).toBe(false);
          set.add(s.partnerId);
          perTown.set(s.townId, set);
        }
        for (const [, e] of exposure) expect(e).toBeLessThanOrEqual(cap);
        for (const [, set] of perTown) expect(set.size).toBeLessThanOrEqual(k);
        // cap > k: by counting, some partner is always below the cap, so every town with an allowed partner is covered.
        const blocked = new Set([pairKey(ids[0], ids[1]), pairKey(ids[1], ids[2])]);
        const hasAllowed = (id: string) => ids.some((o) => o !== id && !blocked.has(pairKey(id, o)));
        for (const t of towns)
          expect({ id: t.id, covered: (perTown.get(t.id)?.size ?? 0) >= 1 }).toEqual({ id: t.id, covered: hasAllowed(t.id) });
        expect(r.uncovered).toEqual(ids.filter((id) => !hasAllowed(id)));
      }),
      { numRuns: 150 },
    );
  });

  it('spreads a popular town: it appears in at most C lists while the others still get suggestions', () => {
    const base = { stateCode: '01', stateName: 'SH', areaKm2: 50, degurba: 3, capacity: 1, challenges: [] as MatchTown['challenges'] };
    const star: MatchTown = {
      ...base,
      id: 'star',
      stateCode: '06',
      stateName: 'Hessen',
      population: 10000,
      topics: ['leerstand'],
      experiences: [{ topic: 'leerstand' }],
    };
    const others: MatchTown[] = Array.from({ length: 12 }, (_, i) => ({
      ...base,
      id: `t${i}`,
      population: 9000 + i * 300,
      topics: ['leerstand'],
      experiences: [],
      challenges: [{ topic: 'leerstand', urgency: 3 }],
    }));
    const towns = [star, ...others];
    const r = suggestPartners(buildContext(towns, DEFAULT_WEIGHTS), towns, { k: 2, exposureCap: 3 });
    expect(r.suggestions.filter((s) => s.partnerId === 'star')).toHaveLength(3);
    for (const s of r.suggestions) expect(s.topic).toBe('leerstand');
    for (const t of others) expect(r.suggestions.some((s) => s.townId === t.id)).toBe(true);
  });

  it('flags empty profiles: without a topic no tandem is suggested, unless the office turned the topical-basis rule off', () => {
    const t = (id: string, topics: string[]): MatchTown => ({
      id,
      stateCode: id === 'a' ? '01' : '05',
      stateName: 'X',
      population: 10000,
      areaKm2: 60,
      topics,
      challenges: [],
      experiences: [],
      capacity: 1,
    });
    const towns = [t('a', []), t('b', ['leerstand']), t('c', ['wohnen'])];
    const strict = suggestPartners(buildContext(towns, DEFAULT_WEIGHTS), towns, { k: 2, exposureCap: 5 });
    expect(strict.profileEmpty).toEqual(['a']);
    expect(strict.suggestions.filter((s) => s.townId === 'a')).toHaveLength(0);
    expect(strict.uncovered).toEqual(['a', 'b', 'c']);
    const loose = suggestPartners(buildContext(towns, { ...DEFAULT_WEIGHTS, requireTopicalBasis: false }), towns, { k: 2, exposureCap: 5 });
    expect(loose.suggestions.filter((s) => s.townId === 'a')).toHaveLength(2);
    expect(loose.suggestions.every((s) => s.topic === null)).toBe(true);
  });
});

describe('candidate pass', () => {
  it('handles up to 64 topics (two mask words) exactly like the pair function', () => {
    const topics = Array.from({ length: 64 }, (_, i) => `t${i}`);
    const towns: MatchTown[] = Array.from({ length: 30 }, (_, i) => ({
      id: `x${i}`,
      stateCode: String(1 + (i % 5)).padStart(2, '0'),
      stateName: 'L',
      population: 5000 + i * 700,
      areaKm2: 40 + i,
      degurba: 1 + (i % 3),
      topics: topics.filter((_, b) => (b * 7 + i) % 9 === 0),
      challenges: [
        { topic: topics[(i * 13) % 64], urgency: 1 + (i % 3) },
        { topic: topics[63 - (i % 10)], urgency: 3 },
      ],
      experiences: [{ topic: topics[(i * 29) % 64] }, { topic: topics[60 + (i % 4)] }],
      capacity: 1,
    }));
    const ctx = buildContext(towns, DEFAULT_WEIGHTS);
    const fast = suggestPartners(ctx, towns, { k: 5, exposureCap: 1000 });
    for (const s of baselineTopK(ctx, towns, 5)) {
      expect(fast.suggestions.filter((x) => x.townId === s.townId).map((x) => [x.partnerId, x.score])).toEqual(
        s.partners.map((p) => [p.id, p.score]),
      );
    }
  });

  it('property: with the bounds pruning (m well below n), each list is exactly the best m by scorePair, with or without distance', () => {
    fc.assert(
      fc.property(
        townsArb(12, 60),
        fc.integer({ min: 1, max: 5 }),
        fc.constantFrom('near' as const, 'none' as const),
        fc.integer({ min: 50, max: 600 }),
        fc.nat(),
        fc.boolean(),
        (towns, m, pref, nearKm, exSeed, basis) => {
          const ctx = buildContext(towns, { ...DEFAULT_WEIGHTS, distancePreference: pref, nearKm, requireTopicalBasis: basis });
          const n = towns.length;
          const key = (i: number, j: number) => Math.min(i, j) * n + Math.max(i, j);
          const excluded = new Set<number>();
          for (let x = 0; x < exSeed % 6; x++) excluded.add(key((exSeed * (x + 3)) % n, (exSeed * (x + 7) + 1 + x) % n));
          const c = candidateLists(ctx, towns, m, excluded);
          for (let i = 0; i < n; i++) {
            const exact = towns
              .map((t, j) => ({
                j,
                s: j === i || excluded.has(key(i, j)) || (basis && !hasTopicalBasis(towns[i], t)) ? -1 : scorePair(ctx, towns[i], t).score,
              }))
              .filter((x) => x.s >= 0)
              .sort((x, y) => y.s - x.s || x.j - y.j)
              .slice(0, m)
              .map((x) => [x.s, x.j]);
            const list = Array.from({ length: c.count[i] }, (_, x) => [c.score[i * m + x], c.partner[i * m + x]]).sort(
              (x, y) => y[0] - x[0] || x[1] - y[1],
            );
            expect(list).toEqual(exact);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('property: threads sharing one pass (rows claimed in turn, one set of lists and thresholds) give the same lists as one pass', () => {
    fc.assert(
      fc.property(townsArb(2, 30), fc.integer({ min: 1, max: 6 }), fc.nat(), fc.nat(), (towns, m, cutSeed, exSeed) => {
        const ctx = buildContext(towns, DEFAULT_WEIGHTS);
        const n = towns.length,
          mm = Math.min(m, n - 1);
        const excluded = new Set<number>();
        for (let x = 0; x < exSeed % 4; x++) {
          const i = (exSeed * (x + 3)) % n,
            j = (exSeed * (x + 7) + 1) % n;
          if (i !== j) excluded.add(Math.min(i, j) * n + Math.max(i, j));
        }
        const one = candidateLists(ctx, towns, mm, excluded);
        const prep = preparePass(ctx, towns);
        const pass = sharedPass(n, mm);
        const cut = cutSeed % (n + 1);
        // One thread takes the rows from the cut on, then another the rows before it, into the same lists.
        pass.rows[0] = cut;
        scanPass(prep, mm, excluded, pass);
        pass.rows[0] = 0;
        pass.rows[1] = cut;
        const shared = scanPass(prep, mm, excluded, pass);
        const sorted = (c: typeof one, i: number) =>
          Array.from({ length: c.count[i] }, (_, x) => [c.score[i * mm + x], c.partner[i * mm + x]] as const).sort(
            (p, q) => q[0] - p[0] || p[1] - q[1],
          );
        for (let i = 0; i < n; i++) expect(sorted(shared, i)).toEqual(sorted(one, i));
      }),
      { numRuns: 150 },
    );
  });
});
