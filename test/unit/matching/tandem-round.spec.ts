import fc from 'fast-check';
import { maxWeightMatchingIndices } from '../../../src/matching/core/max-weight-matching.util';
import { NodeId, tandemRound, WeightedEdge } from '../../../src/matching/core/tandem-round.util';
import { mulberry32 } from '../../../src/matching/core/prng.util';

/** Exhaustive optimum: try every subset of edges that respects the capacities. */
function bruteForce(edges: [number, number, number][], capacity: Record<string, number> = {}): number {
  const usable = edges.filter(([, , w]) => w > 0);
  let best = 0;
  const load = new Map<number, number>();
  const rec = (i: number, sum: number) => {
    if (sum > best) best = sum;
    if (i === usable.length) return;
    rec(i + 1, sum);
    const [a, b, w] = usable[i];
    const la = load.get(a) ?? 0,
      lb = load.get(b) ?? 0;
    if (la < (capacity[a] ?? 1) && lb < (capacity[b] ?? 1)) {
      load.set(a, la + 1);
      load.set(b, lb + 1);
      rec(i + 1, sum + w);
      load.set(a, la);
      load.set(b, lb);
    }
  };
  rec(0, 0);
  return best;
}

function randomGraph(seed: number, maxN = 10, integer = true): [number, number, number][] {
  const rnd = mulberry32(seed);
  const n = 2 + Math.floor(rnd() * (maxN - 1));
  const density = 0.2 + rnd() * 0.8;
  const edges: [number, number, number][] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (rnd() < density) {
        // Few distinct values make many ties, which is where blossom code tends to break.
        const w = integer ? Math.floor(rnd() * 6) - 1 : Math.round(rnd() * 1000) / 1000;
        edges.push([i, j, w]);
      }
    }
  }
  return edges;
}

function checkValid(
  pairs: ReadonlyArray<readonly [NodeId, NodeId]>,
  edges: [number, number, number][],
  capacity: Record<string, number> = {},
) {
  const load = new Map<string, number>();
  const seen = new Set<string>();
  for (const [a, b] of pairs) {
    const key = `${a}-${b}`;
    expect(seen.has(key)).toBe(false);
    seen.add(key);
    expect(edges.some(([x, y, w]) => w > 0 && ((x === a && y === b) || (x === b && y === a)))).toBe(true);
    for (const v of [a, b]) load.set(String(v), (load.get(String(v)) ?? 0) + 1);
  }
  for (const [v, l] of load) expect(l).toBeLessThanOrEqual(capacity[v] ?? 1);
}

describe('tandem round: exact maximum-weight matching', () => {
  it('matches brute force on 600 random graphs up to 10 towns (integer weights with many ties)', () => {
    for (let seed = 1; seed <= 600; seed++) {
      const edges = randomGraph(seed, 10, true);
      const r = tandemRound(edges);
      checkValid(r.pairs, edges);
      expect({ seed, weight: r.weight }).toEqual({ seed, weight: bruteForce(edges) });
    }
  });

  it('matches brute force on 300 random graphs with fractional scores', () => {
    for (let seed = 1000; seed < 1300; seed++) {
      const edges = randomGraph(seed, 10, false);
      const r = tandemRound(edges);
      expect(r.weight).toBeCloseTo(bruteForce(edges), 6);
    }
  });

  it('respects capacities > 1 exactly (brute force, 300 graphs)', () => {
    for (let seed = 2000; seed < 2300; seed++) {
      const edges = randomGraph(seed, 7, true);
      const rnd = mulberry32(seed * 7);
      const capacity: Record<string, number> = {};
      for (let v = 0; v < 7; v++) capacity[v] = Math.floor(rnd() * 4);
      const r = tandemRound(edges, capacity);
      checkValid(r.pairs, edges, capacity);
      expect({ seed, weight: r.weight }).toEqual({ seed, weight: bruteForce(edges, capacity) });
    }
  });

  it('property: never worse than a greedy matching and always a valid matching', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 11 }), fc.integer({ min: 0, max: 11 }), fc.integer({ min: -3, max: 20 })), {
          maxLength: 40,
        }),
        (raw) => {
          const edges = raw.filter(([a, b]) => a !== b);
          const r = tandemRound(edges);
          checkValid(r.pairs, edges);
          const used = new Set<number>();
          let greedy = 0;
          for (const [a, b, w] of [...edges].sort((x, y) => y[2] - x[2])) {
            if (w > 0 && !used.has(a) && !used.has(b)) {
              used.add(a);
              used.add(b);
              greedy += w;
            }
          }
          expect(r.weight).toBeGreaterThanOrEqual(greedy);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('handles empty, disconnected and string-keyed graphs', () => {
    expect(tandemRound([])).toEqual({ weight: 0, pairs: [] });
    const edges: WeightedEdge[] = [
      ['a', 'b', 2],
      ['c', 'd', 3],
      ['e', 'f', 0],
    ];
    expect(tandemRound(edges)).toEqual({
      weight: 5,
      pairs: [
        ['a', 'b'],
        ['c', 'd'],
      ],
    });
    expect(() => tandemRound([['a', 'a', 1]])).toThrow(/itself/);
    expect(() => tandemRound([['a', 'b', Number.NaN]])).toThrow(/finite/);
  });

  it('finds the odd-cycle optimum that needs a blossom', () => {
    // Triangle 0-1-2 with a pendant edge: the optimum leaves the heaviest triangle edge out.
    const m = maxWeightMatchingIndices(4, [
      [0, 1, 6],
      [1, 2, 10],
      [0, 2, 6],
      [2, 3, 7],
    ]);
    expect([...m]).toEqual([1, 0, 3, 2]);
  });
});
