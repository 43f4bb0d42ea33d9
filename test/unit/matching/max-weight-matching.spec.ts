import { maxWeightMatchingIndices } from '../../../src/matching/core/max-weight-matching.util';
import { referenceMaxWeightMatching } from '../../utils/reference-max-weight-matching';
import { mulberry32 } from '../../../src/matching/core/prng.util';

/** Random sparse graph: n vertices, each with about `degree` neighbours, weights from a small range (many ties). */
function sparseGraph(seed: number, n: number, degree: number, distinct: number): [number, number, number][] {
  const rnd = mulberry32(seed);
  const seen = new Set<number>();
  const edges: [number, number, number][] = [];
  for (let k = 0; k < (n * degree) / 2; k++) {
    const i = Math.floor(rnd() * n),
      j = Math.floor(rnd() * n);
    if (i === j || seen.has(Math.min(i, j) * n + Math.max(i, j))) continue;
    seen.add(Math.min(i, j) * n + Math.max(i, j));
    edges.push([i, j, 1 + Math.floor(rnd() * distinct)]);
  }
  return edges;
}

const total = (mate: Int32Array, edges: [number, number, number][]) => {
  const w = new Map(edges.map(([i, j, x]) => [Math.min(i, j) * 1e6 + Math.max(i, j), x]));
  let sum = 0;
  mate.forEach((m, v) => {
    if (m > v) sum += w.get(v * 1e6 + m)!;
  });
  return sum;
};

const isMatching = (mate: Int32Array) => [...mate].every((m, v) => m === -1 || mate[m] === v);

describe('maximum-weight matching with a kept forest vs the stage-by-stage reference', () => {
  it('agrees on 400 random sparse graphs of 10–300 vertices (ties, odd cycles, many trees alive at once)', () => {
    for (let seed = 1; seed <= 400; seed++) {
      const rnd = mulberry32(seed * 31);
      const n = 10 + Math.floor(rnd() * 291);
      const edges = sparseGraph(seed, n, 2 + rnd() * 8, rnd() < 0.5 ? 3 : 1000);
      const fast = maxWeightMatchingIndices(n, edges);
      const ref = referenceMaxWeightMatching(n, edges);
      expect(isMatching(fast)).toBe(true);
      expect({ seed, weight: total(fast, edges) }).toEqual({ seed, weight: total(ref, edges) });
    }
  });

  it('agrees on a 2,000-vertex graph with score-like weights (wide range, few ties)', () => {
    const rnd = mulberry32(77);
    const edges = sparseGraph(77, 2000, 16, 1).map(([i, j]) => [i, j, Math.round(rnd() * 1e6)] as [number, number, number]);
    const fast = maxWeightMatchingIndices(2000, edges);
    expect(isMatching(fast)).toBe(true);
    expect(total(fast, edges)).toBe(total(referenceMaxWeightMatching(2000, edges), edges));
  });

  it('agrees on dense small graphs with equal weights (many blossoms)', () => {
    for (let seed = 1000; seed < 1300; seed++) {
      const rnd = mulberry32(seed);
      const n = 5 + Math.floor(rnd() * 30);
      const edges = sparseGraph(seed, n, n * 0.6, 2);
      const fast = maxWeightMatchingIndices(n, edges);
      expect({ seed, weight: total(fast, edges) }).toEqual({ seed, weight: total(referenceMaxWeightMatching(n, edges), edges) });
    }
  });
});
