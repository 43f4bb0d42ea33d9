// Published examples in the suggestion lists (issue 27): the candidate pass ranks by the symmetric pair score; a partner
// whose example answers the viewer's challenge gains exampleValue on top, only in the viewer's own list. Here the
// candidate lists get that gain and the partners with such an example that the pass left out. Pure.
import type { Candidates } from './candidate-lists.util';
import { exampleValue, type ExamplesByTown } from './example-evidence.util';
import type { MatchTown } from './matching-input.types';
import { hasTopicalBasis, pairScore, type ScoringContext } from './score.util';

/** Per viewer index, the strength of each partner's best fitting example (partner index → strength). */
export type ExampleStrengths = Map<number, number>[];

/**
 * Who holds an example on which of the viewer's challenge topics, at which strength (exampleStrength of its most
 * adopted example on that topic): an index from topic to towns, so the work grows with the examples, not n².
 */
export function exampleStrengths(towns: readonly MatchTown[], examples: ExamplesByTown, strength: (a: number) => number): ExampleStrengths {
  const byTopic = new Map<string, Map<number, number>>();
  towns.forEach((t, j) => {
    for (const e of examples[t.id] ?? []) {
      for (const topic of e.topics) {
        let m = byTopic.get(topic);
        if (!m) byTopic.set(topic, (m = new Map<number, number>()));
        m.set(j, Math.max(m.get(j) ?? 0, strength(e.adoptions)));
      }
    }
  });
  return towns.map((t, i) => {
    const out = new Map<number, number>();
    for (const c of t.challenges) for (const [j, s] of byTopic.get(c.topic) ?? []) if (j !== i && s > (out.get(j) ?? 0)) out.set(j, s);
    return out;
  });
}

/**
 * The candidate lists with each entry's score raised by its example gain, plus up to m partners with a fitting example
 * that the rules allow (no excluded pair, the topical basis where the office requires it), best first. The stride
 * grows to hold them. Exact: a partner without a gain that the pass left out scores below m others with at least the
 * same score, so it cannot enter the top m of the raised lists either.
 */
export function withExampleGain(
  ctx: ScoringContext,
  towns: readonly MatchTown[],
  strengths: ExampleStrengths,
  m: number,
  excluded: ReadonlySet<number>,
  cand: Candidates,
): Candidates & { stride: number } {
  const n = towns.length;
  const basis = ctx.raw.requireTopicalBasis !== false;
  const extras: { j: number; score: number }[][] = [];
  let most = 0;
  for (let i = 0; i < n; i++) {
    const listed = new Set<number>();
    for (let x = i * m; x < i * m + cand.count[i]; x++) listed.add(cand.partner[x]);
    const more: { j: number; score: number }[] = [];
    for (const [j, s] of strengths[i]) {
      if (listed.has(j) || excluded.has(i < j ? i * n + j : j * n + i) || (basis && !hasTopicalBasis(towns[i], towns[j]))) continue;
      const base = pairScore(ctx, towns[i], towns[j]);
      more.push({ j, score: base + exampleValue(base, s) });
    }
    more.sort((a, b) => b.score - a.score || a.j - b.j);
    extras.push(more.slice(0, m));
    most = Math.max(most, Math.min(m, more.length));
  }
  const stride = m + most;
  const partner = new Int32Array(n * stride).fill(-1),
    score = new Float64Array(n * stride).fill(-1),
    count = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let c = 0;
    for (let x = i * m; x < i * m + cand.count[i]; x++) {
      const j = cand.partner[x],
        s = strengths[i].get(j);
      partner[i * stride + c] = j;
      score[i * stride + c++] = s === undefined ? cand.score[x] : cand.score[x] + exampleValue(cand.score[x], s);
    }
    for (const e of extras[i]) {
      partner[i * stride + c] = e.j;
      score[i * stride + c++] = e.score;
    }
    count[i] = c;
  }
  return { partner, score, count, stride };
}
