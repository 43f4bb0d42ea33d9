import { maxWeightMatchingIndices } from './max-weight-matching.util';

export type NodeId = string | number;
export type WeightedEdge = readonly [NodeId, NodeId, number];

export interface RoundResult {
  weight: number;
  pairs: [NodeId, NodeId][];
}

// Scores are floats; the exact algorithm runs on integers (see max-weight-matching.util.ts).
const SCALE = 1_000_000;

/**
 * The tandem round: choose pairs maximising the summed weight, each node in at most capacity[node]
 * pairs (default 1), each pair at most once. Non-positive weights are never worth taking and are dropped.
 * Capacity 1 everywhere is plain maximum-weight matching; higher capacities use an exact gadget
 * (each edge u–v becomes u'–e_u–e_v–v' with all three edges weighing w: taking the edge adds w).
 */
export function tandemRound(edges: ReadonlyArray<WeightedEdge>, capacity: Record<string, number> = {}): RoundResult {
  const ids = new Map<string, NodeId>();
  const best = new Map<string, number>();
  for (const [a, b, w] of edges) {
    if (!Number.isFinite(w)) throw new Error(`edge ${a}–${b}: weight must be a finite number`);
    if (String(a) === String(b)) throw new Error(`edge ${a}–${b}: a town cannot pair with itself`);
    ids.set(String(a), a);
    ids.set(String(b), b);
    if (w <= 0) continue;
    const key = String(a) < String(b) ? `${a}\u0000${b}` : `${b}\u0000${a}`;
    best.set(key, Math.max(best.get(key) ?? 0, w)); // parallel edges: the heavier one counts
  }
  const cap = (id: string) => {
    const c = capacity[id] ?? 1;
    if (!Number.isInteger(c) || c < 0) throw new Error(`capacity of ${id} must be a whole number ≥ 0`);
    return c;
  };
  // Integer weights run unscaled (exact); fractional ones are scaled to integers, capped well inside 2^53.
  const weights = [...best.values()];
  const maxW = weights.reduce((m, w) => Math.max(m, w), 0);
  const scale = weights.every((w) => Number.isInteger(w)) && maxW <= 2 ** 40 ? 1 : Math.min(SCALE, 2 ** 40 / maxW);
  const list = [...best.entries()]
    .map(([k, w]) => {
      const [a, b] = k.split('\u0000');
      return { a, b, w, iw: Math.round(w * scale) };
    })
    .filter((e) => e.iw > 0 && cap(e.a) > 0 && cap(e.b) > 0);

  const chosen: typeof list = [];
  if (list.every((e) => cap(e.a) === 1 && cap(e.b) === 1)) {
    const index = new Map<string, number>();
    const idx = (id: string) => index.get(id) ?? (index.set(id, index.size), index.size - 1);
    const triples = list.map((e) => [idx(e.a), idx(e.b), e.iw] as const);
    const m = maxWeightMatchingIndices(index.size, triples);
    list.forEach((e, k) => {
      if (m[triples[k][0]] === triples[k][1]) chosen.push(e);
    });
  } else {
    // Vertex copies per capacity unit, plus two gadget vertices per edge.
    const degree = new Map<string, number>();
    for (const e of list) for (const id of [e.a, e.b]) degree.set(id, (degree.get(id) ?? 0) + 1);
    const copies = new Map<string, number[]>();
    let n = 0;
    for (const [id, d] of degree)
      copies.set(
        id,
        Array.from({ length: Math.min(cap(id), d) }, () => n++),
      );
    const triples: [number, number, number][] = [];
    const gadget: [number, number][] = [];
    for (const e of list) {
      const eu = n++,
        ev = n++;
      gadget.push([eu, ev]);
      for (const c of copies.get(e.a)!) triples.push([c, eu, e.iw]);
      for (const c of copies.get(e.b)!) triples.push([c, ev, e.iw]);
      triples.push([eu, ev, e.iw]);
    }
    const m = maxWeightMatchingIndices(n, triples);
    list.forEach((e, k) => {
      const [eu, ev] = gadget[k];
      // Taken only when both gadget ends are matched to real copies (not to each other).
      if (m[eu] >= 0 && m[eu] !== ev && m[ev] >= 0 && m[ev] !== eu) chosen.push(e);
    });
  }
  const pairs = chosen
    .map((e) => (e.a < e.b ? [e.a, e.b] : [e.b, e.a]))
    .sort((x, y) => (x[0] === y[0] ? (x[1] < y[1] ? -1 : 1) : x[0] < y[0] ? -1 : 1));
  const weight = chosen.reduce((s, e) => s + e.w, 0);
  return { weight, pairs: pairs.map(([a, b]) => [ids.get(a)!, ids.get(b)!]) };
}
