import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { buildContext } from '../src/matching/core/score.util';
import { suggestPartnersParallel } from '../src/matching/core/parallel-candidates.util';
import { baselineTopK, candidateGraph, suggestPartners } from '../src/matching/core/suggestions.util';
import { tandemRound } from '../src/matching/core/tandem-round.util';
import { DEFAULT_WEIGHTS } from '../src/matching/core/weights';
import { workshopGroups } from '../src/matching/core/workshop-groups.util';
import { BENCH_SEED, benchmarkTowns } from './synthetic-profiles';

// npm run bench:matching — all German municipalities with seeded synthetic profiles; prints ratios side by side.
const time = <T>(fn: () => T): [T, number] => {
  const t = performance.now();
  const r = fn();
  return [r, (performance.now() - t) / 1000];
};

async function main() {
  // The same input as the suite's test/e2e/matching-benchmark-input.e2e-spec.ts.
  const all = await benchmarkTowns();
  const small = all.filter((t) => t.population >= 5000 && t.population < 20000);
  console.log(
    `towns: ${all.length} municipalities, ${small.length} with 5,000–19,999 inhabitants (synthetic profiles, seed ${BENCH_SEED})`,
  );

  const ctx = buildContext(all, DEFAULT_WEIGHTS);
  const sample = Array.from({ length: 300 }, (_, i) => Math.floor((i * all.length) / 300));
  const [, sampleSec] = time(() => baselineTopK(ctx, all, 10, sample));
  const baseline = (sampleSec * all.length) / sample.length;
  // The engine as the service runs it (candidate pass on all cores; the figure in the JSON line), first, so it
  // pays the compilation of the hot loops as a service's first run does; then the one-thread variant for comparison.
  const t0 = performance.now();
  const sugg = await suggestPartnersParallel(ctx, all, { k: 10, exposureCap: 20 });
  const topk = (performance.now() - t0) / 1000;
  const [oneThread, topkOneThread] = time(() => suggestPartners(ctx, all, { k: 10, exposureCap: 20 }));
  // The threaded pass must give exactly what one thread gives (test/e2e/threaded-candidates.e2e-spec.ts checks it on a smaller input).
  const key = (r: typeof sugg) => r.suggestions.map((x) => `${x.townId}>${x.partnerId}:${x.score}`).join('|');
  if (key(sugg) !== key(oneThread)) throw new Error('threaded and one-thread suggestions differ');
  console.log(
    `top-10 for all ${all.length}:  baseline ${baseline.toFixed(2)} s (per-pair loop, measured on ${sample.length} towns × all partners, extrapolated)  |  engine ${topk.toFixed(2)} s with the candidate pass on ${availableParallelism()} threads (${topkOneThread.toFixed(2)} s on one thread)  |  ${(baseline / topk).toFixed(1)}× faster  (${sugg.suggestions.length} suggestions, ${sugg.uncovered.length} uncovered)`,
  );

  // Coverage (issue 11): lists shorter than k, e.g. Dermbach (AGS 16063015), which got 8 before every list was filled
  // (the suite asserts it: test/e2e/matching-benchmark-input.e2e-spec.ts).
  const perTown = new Map<string, number>();
  for (const s of sugg.suggestions) perTown.set(s.townId, (perTown.get(s.townId) ?? 0) + 1);
  const short = all.filter((t) => (perTown.get(t.id) ?? 0) < 10).length;
  console.log(`lists: Dermbach (16063015) ${perTown.get('16063015') ?? 0} suggestions; ${short} of ${all.length} towns with fewer than 10`);

  const ctxSmall = buildContext(small, DEFAULT_WEIGHTS);
  const edgesSmall = candidateGraph(ctxSmall, small, 20);
  const [roundSmall, round2280] = time(() => tandemRound(edgesSmall));
  console.log(
    `tandem round, ${small.length} small towns, top-20 graph (${edgesSmall.length} pairs): ${round2280.toFixed(2)} s, ${roundSmall.pairs.length} tandems, total ${roundSmall.weight.toFixed(2)}`,
  );
  const edgesAll = candidateGraph(ctx, all, 20);
  const [roundAll, round10773] = time(() => tandemRound(edgesAll));
  console.log(
    `tandem round, all ${all.length}, top-20 graph (${edgesAll.length} pairs): ${round10773.toFixed(2)} s, ${roundAll.pairs.length} tandems  |  ${(round10773 / round2280).toFixed(1)}× the 2,280 time for ${(all.length / small.length).toFixed(1)}× the towns`,
  );

  const [ws, workshopSec] = time(() => workshopGroups(ctxSmall, small, 'coworking', { seed: 7 }));
  console.log(
    `workshop groups, theme coworking over ${small.length} small towns: ${workshopSec.toFixed(2)} s, ${ws.groups.length} groups, ${ws.leftOut.length} left out`,
  );

  const peak = process.resourceUsage().maxRSS / 1024;
  console.log(`peak RSS: ${peak.toFixed(0)} MB`);
  console.log(
    JSON.stringify({
      towns: all.length,
      topk_seconds: +topk.toFixed(3),
      topk_one_thread_seconds: +topkOneThread.toFixed(3),
      baseline_seconds: +baseline.toFixed(3),
      speedup: +(baseline / topk).toFixed(1),
      round_2280_seconds: +round2280.toFixed(3),
      round_10773_seconds: +round10773.toFixed(3),
      dermbach_suggestions: perTown.get('16063015') ?? 0,
      short_lists: short,
      workshop_seconds: +workshopSec.toFixed(3),
      peak_rss_mb: Math.round(peak),
    }),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
