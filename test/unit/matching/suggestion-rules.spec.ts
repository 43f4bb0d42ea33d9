import fc from 'fast-check';
import { MatchTown } from '../../../src/matching/core/matching-input.types';
import { candidateLists } from '../../../src/matching/core/candidate-pass.util';
import { buildContext, hasTopicalBasis, pairScore } from '../../../src/matching/core/score.util';
import {
  candidateGraph,
  excludedPairKeys,
  exposureLimits,
  freeCapacity,
  suggestPartners,
  SuggestionRules,
} from '../../../src/matching/core/suggestions.util';
import { tandemRound } from '../../../src/matching/core/tandem-round.util';
import { DEFAULT_WEIGHTS, validateWeights } from '../../../src/matching/core/weights';
import { townsArb } from './town.factory';

// Issue 11: a topical basis for every pair, capacity respected, every list filled as far as the rules allow.
const pairKey = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);
const town = (over: Partial<MatchTown> & Pick<MatchTown, 'id'>): MatchTown => ({
  stateCode: '05',
  stateName: 'Nordrhein-Westfalen',
  population: 10000,
  areaKm2: 60,
  degurba: 2,
  topics: [],
  challenges: [],
  experiences: [],
  capacity: 1,
  ...over,
});

describe('topical basis (issue 11)', () => {
  // Vlotho–Wurzen and Großräschen–Seehausen share no topic and no challenge ↔ experience: size, situation and state only.
  const towns = [
    town({ id: 'vlotho', name: 'Vlotho', population: 18403, topics: ['wohnen', 'kultur'] }),
    town({ id: 'wurzen', name: 'Wurzen', stateCode: '14', stateName: 'Sachsen', population: 16715, topics: ['mobilitaet'] }),
    town({ id: 'grossraeschen', name: 'Großräschen', stateCode: '12', stateName: 'Brandenburg', population: 8298, topics: ['kultur'] }),
    town({
      id: 'seehausen',
      name: 'Seehausen (Altmark)',
      stateCode: '15',
      stateName: 'Sachsen-Anhalt',
      population: 9465,
      topics: ['tourismus'],
    }),
  ];

  it('a tandem round pairs no towns without a shared topic or challenge ↔ experience, and names the topic', () => {
    const ctx = buildContext(towns, DEFAULT_WEIGHTS);
    const round = tandemRound(candidateGraph(ctx, towns, 20));
    expect(round.pairs).toEqual([['grossraeschen', 'vlotho']]);
    const r = suggestPartners(ctx, towns, { k: 3, exposureCap: 5 });
    expect(r.suggestions.map((s) => [s.townId, s.partnerId, s.topic])).toEqual([
      ['vlotho', 'grossraeschen', 'kultur'],
      ['grossraeschen', 'vlotho', 'kultur'],
    ]);
    expect(r.uncovered).toEqual(['wurzen', 'seehausen']);
  });

  it("is the office's setting: turned off, size, situation and state may make a pair", () => {
    const ctx = buildContext(towns, { ...DEFAULT_WEIGHTS, requireTopicalBasis: false });
    expect(tandemRound(candidateGraph(ctx, towns, 20)).pairs).toHaveLength(2);
    expect(validateWeights({ requireTopicalBasis: false })).toEqual([]);
    expect(validateWeights({ requireTopicalBasis: 'ja' })).toEqual(['requireTopicalBasis must be true or false']);
  });

  it('property: with the rule on, no suggestion and no candidate pair of a round lacks a topical basis, and each names its topic', () => {
    fc.assert(
      fc.property(townsArb(2, 25), fc.integer({ min: 1, max: 5 }), (towns, k) => {
        const ctx = buildContext(towns, DEFAULT_WEIGHTS);
        const byId = new Map(towns.map((t) => [t.id, t]));
        const r = suggestPartners(ctx, towns, { k, exposureCap: 100 });
        for (const s of r.suggestions) {
          expect(hasTopicalBasis(byId.get(s.townId)!, byId.get(s.partnerId)!)).toBe(true);
          expect(s.topic).not.toBeNull();
        }
        for (const [a, b] of candidateGraph(ctx, towns, 5)) expect(hasTopicalBasis(byId.get(a)!, byId.get(b)!)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});

describe('capacity (issue 11)', () => {
  const lighthouse = (capacity: number) =>
    town({
      id: 'lighthouse',
      stateCode: '06',
      stateName: 'Hessen',
      capacity,
      topics: ['leerstand'],
      experiences: [{ topic: 'leerstand' }],
    });
  const others = Array.from({ length: 6 }, (_, i) =>
    town({ id: `t${i}`, population: 9000 + 200 * i, topics: ['leerstand'], challenges: [{ topic: 'leerstand', urgency: 3 }] }),
  );

  it('a town whose capacity is 0 is suggested to nobody and counts as full', () => {
    const towns = [lighthouse(0), ...others];
    const r = suggestPartners(buildContext(towns, DEFAULT_WEIGHTS), towns, { k: 3, exposureCap: 10 });
    expect(r.suggestions.filter((s) => s.partnerId === 'lighthouse')).toEqual([]);
    expect(r.full).toEqual(['lighthouse']);
    // It still sees its own partners.
    expect(r.suggestions.filter((s) => s.townId === 'lighthouse')).toHaveLength(3);
  });

  it('a town whose capacity is taken by its tandems is suggested to nobody; with a free place it is', () => {
    const towns = [lighthouse(1), ...others];
    const tandemPairs: [string, string][] = [['lighthouse', 't0']];
    const free = freeCapacity(towns, tandemPairs);
    expect(free.lighthouse).toBe(0);
    const ctx = buildContext(towns, DEFAULT_WEIGHTS);
    const taken = suggestPartners(ctx, towns, { k: 3, exposureCap: 10, tandemPairs, freeCapacity: free });
    expect(taken.suggestions.filter((s) => s.partnerId === 'lighthouse')).toEqual([]);
    const open = suggestPartners(ctx, towns, { k: 3, exposureCap: 10, freeCapacity: freeCapacity(towns) });
    expect(open.suggestions.filter((s) => s.partnerId === 'lighthouse')).toHaveLength(6);
    // Per free place: one place, two lists.
    const perPlace = suggestPartners(ctx, towns, { k: 3, exposureCap: 10, freeCapacity: freeCapacity(towns), exposurePerFreePlace: 2 });
    expect(perPlace.suggestions.filter((s) => s.partnerId === 'lighthouse')).toHaveLength(2);
  });

  it('fills a list beyond its first suggestion when its candidates went to others (the Dermbach case)', () => {
    // 12 equally strong "hubs" fill every town's candidate list (m = 12 for k = 2); 30 towns want 60 hub places,
    // the hubs have 36: from the seventh town on, the second pick finds every hub taken. Before, only the first
    // pick fell back to a scan of all towns, so those lists stayed at 1 while other towns had room.
    const hubs = Array.from({ length: 12 }, (_, i) =>
      town({
        id: `h${String(i).padStart(2, '0')}`,
        stateCode: '06',
        stateName: 'Hessen',
        topics: ['leerstand'],
        experiences: [{ topic: 'leerstand' }],
      }),
    );
    const towns = [
      ...Array.from({ length: 30 }, (_, i) =>
        town({
          id: `t${String(i).padStart(2, '0')}`,
          population: 9000 + i,
          topics: ['leerstand'],
          challenges: [{ topic: 'leerstand', urgency: 3 }],
        }),
      ),
      ...hubs,
    ];
    const r = suggestPartners(buildContext(towns, DEFAULT_WEIGHTS), towns, { k: 2, exposureCap: 3 });
    const count = (id: string) => r.suggestions.filter((s) => s.townId === id).length;
    expect(count('t29')).toBe(2);
    expect(r.suggestions).toHaveLength(84);
  });

  it('property: no town is suggested beyond its free capacity, and every list is as full as the rules allow', () => {
    fc.assert(
      fc.property(
        townsArb(2, 30),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 6 }),
        fc.nat(),
        fc.boolean(),
        (towns, k, cap, seed, basis) => {
          const ids = towns.map((t) => t.id);
          const tandemPairs: [string, string][] = ids.length > 3 ? [[ids[seed % ids.length], ids[(seed + 1) % ids.length]]] : [];
          const declinedPairs =
            ids.length > 4
              ? [{ a: ids[(seed + 2) % ids.length], b: ids[(seed + 4) % ids.length], at: new Date('2026-10-01T00:00:00Z') }]
              : [];
          const rules: SuggestionRules = {
            k,
            exposureCap: cap,
            tandemPairs,
            declinedPairs,
            now: new Date('2026-11-24T00:00:00Z'),
            freeCapacity: freeCapacity(towns, tandemPairs),
          };
          const ctx = buildContext(towns, { ...DEFAULT_WEIGHTS, requireTopicalBasis: basis });
          const r = suggestPartners(ctx, towns, rules);
          const limit = exposureLimits(towns, rules);
          const exposure = new Map<string, number>();
          const lists = new Map<string, Set<string>>(ids.map((id) => [id, new Set()]));
          for (const s of r.suggestions) {
            exposure.set(s.partnerId, (exposure.get(s.partnerId) ?? 0) + 1);
            lists.get(s.townId)!.add(s.partnerId);
          }
          const free = rules.freeCapacity!;
          towns.forEach((t, i) => {
            const e = exposure.get(t.id) ?? 0;
            expect(e).toBeLessThanOrEqual(limit[i]);
            expect(limit[i]).toBe(free[t.id] === 0 ? 0 : Math.min(cap, free[t.id] * cap));
          });
          expect(r.full).toEqual(ids.filter((id) => free[id] === 0));
          const excluded = excludedPairKeys(towns, rules);
          const n = towns.length;
          const allowed = (i: number, j: number) =>
            i !== j && !excluded.has(Math.min(i, j) * n + Math.max(i, j)) && (!basis || hasTopicalBasis(towns[i], towns[j]));
          for (let i = 0; i < n; i++) {
            const mine = lists.get(ids[i])!;
            expect(mine.size).toBeLessThanOrEqual(k);
            for (const p of mine) expect(allowed(i, ids.indexOf(p))).toBe(true);
            if (mine.size === k) continue;
            // A short list: every allowed partner not in it is at its limit.
            for (let j = 0; j < n; j++) {
              if (allowed(i, j) && !mine.has(ids[j]))
                expect({ partner: ids[j], atLimit: (exposure.get(ids[j]) ?? 0) >= limit[j] }).toEqual({ partner: ids[j], atLimit: true });
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('property: with room for everyone, every town with an allowed partner that has a free place is covered', () => {
    fc.assert(
      fc.property(townsArb(2, 25), fc.integer({ min: 1, max: 4 }), (towns, k) => {
        const ctx = buildContext(towns, DEFAULT_WEIGHTS);
        const r = suggestPartners(ctx, towns, { k, exposureCap: towns.length });
        const covered = new Set(r.suggestions.map((s) => s.townId));
        const expected = towns.filter((t) => towns.some((o) => o !== t && o.capacity > 0 && hasTopicalBasis(t, o))).map((t) => t.id);
        expect([...covered].sort()).toEqual([...expected].sort());
        expect(r.uncovered.sort()).toEqual(
          towns
            .map((t) => t.id)
            .filter((id) => !covered.has(id))
            .sort(),
        );
        for (const s of r.suggestions) expect(pairKey(s.townId, s.partnerId)).not.toBe(pairKey(s.townId, s.townId));
      }),
      { numRuns: 100 },
    );
  });
});

describe('filling short lists (the scan on the candidate pass numbers)', () => {
  /**
   * The plain reference for assignSuggestions: the same round-robin over the sorted candidate lists, but every
   * short list filled by scoring all towns one by one with pairScore and hasTopicalBasis (the code before the fill
   * ran on the candidate pass's typed arrays).
   */
  function reference(ctx: ReturnType<typeof buildContext>, towns: MatchTown[], rules: SuggestionRules): [string, string][] {
    const n = towns.length;
    const k = Math.min(rules.k, Math.max(0, n - 1));
    const m = Math.min(Math.max(k * 3, k + 10), Math.max(1, n - 1));
    const excluded = excludedPairKeys(towns, rules);
    const basis = ctx.raw.requireTopicalBasis !== false;
    const c = candidateLists(ctx, towns, m, excluded);
    const sorted = towns.map((_, i) =>
      Array.from({ length: c.count[i] }, (_, x) => ({ j: c.partner[i * m + x], s: c.score[i * m + x] })).sort(
        (a, b) => b.s - a.s || a.j - b.j,
      ),
    );
    const limit = exposureLimits(towns, rules);
    const exposure = new Array<number>(n).fill(0);
    const lists = towns.map(() => [] as number[]);
    const cursor = new Array<number>(n).fill(0);
    const choose = (i: number, j: number) => {
      lists[i].push(j);
      exposure[j]++;
    };
    const best = (i: number, count: number) => {
      const found: { j: number; s: number }[] = [];
      for (let j = 0; j < n; j++) {
        if (j === i || exposure[j] >= limit[j] || lists[i].includes(j) || excluded.has(Math.min(i, j) * n + Math.max(i, j))) continue;
        if (basis && !hasTopicalBasis(towns[i], towns[j])) continue;
        found.push({ j, s: pairScore(ctx, towns[i], towns[j]) });
      }
      return found
        .sort((a, b) => b.s - a.s || a.j - b.j)
        .slice(0, count)
        .map((f) => f.j);
    };
    for (let rank = 0; rank < k; rank++) {
      for (let i = 0; i < n; i++) {
        let picked = -1;
        while (cursor[i] < sorted[i].length) {
          const j = sorted[i][cursor[i]++].j;
          if (exposure[j] < limit[j] && !lists[i].includes(j)) {
            picked = j;
            break;
          }
        }
        if (picked >= 0) choose(i, picked);
        else if (rank === 0) for (const j of best(i, 1)) choose(i, j);
      }
    }
    for (let i = 0; i < n; i++) if (lists[i].length < k) for (const j of best(i, k - lists[i].length)) choose(i, j);
    return lists.flatMap((l, i) => l.map((j) => [towns[i].id, towns[j].id] as [string, string])).sort();
  }

  it('property: picks exactly the partners the plain scan of all towns picks (tight caps, exclusions, distance, rule on and off)', () => {
    fc.assert(
      fc.property(
        townsArb(2, 40),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 3 }),
        fc.nat(),
        fc.boolean(),
        fc.constantFrom('near' as const, 'none' as const),
        (towns, k, cap, seed, basis, pref) => {
          const ids = towns.map((t) => t.id);
          const tandemPairs: [string, string][] = ids.length > 3 ? [[ids[seed % ids.length], ids[(seed + 1) % ids.length]]] : [];
          const rules: SuggestionRules = { k, exposureCap: cap, tandemPairs, freeCapacity: freeCapacity(towns, tandemPairs) };
          const ctx = buildContext(towns, { ...DEFAULT_WEIGHTS, requireTopicalBasis: basis, distancePreference: pref, distance: 0.1 });
          const fast = suggestPartners(ctx, towns, rules)
            .suggestions.map((s) => [s.townId, s.partnerId] as [string, string])
            .sort();
          expect(fast).toEqual(reference(ctx, towns, rules));
        },
      ),
      { numRuns: 100 },
    );
  });
});
