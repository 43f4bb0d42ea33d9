import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { MatchTown } from '../src/matching/core/matching-input.types';
import { mulberry32, shuffle } from '../src/matching/core/prng.util';
import { buildContext, pairScore, ScoringContext } from '../src/matching/core/score.util';
import { DEFAULT_WEIGHTS } from '../src/matching/core/weights';
import { workshopGroups } from '../src/matching/core/workshop-groups.util';
import { parseDestatis, readWorkbook } from '../src/municipalities/directory/destatis-parser.util';
import { syntheticProfiles, TOPICS } from './synthetic-profiles';

// npm run bench:workshops — the workshop search's objective (summed in-group pair scores) against a baseline
// written for this comparison: randomised greedy with a free number of groups, best of many restarts.
const XLSX = process.env.DESTATIS_XLSX ?? resolve(__dirname, '../../../shared/data/destatis/31122023_Auszug_GV.xlsx');
const STATES = Array.from({ length: 16 }, (_, i) => String(i + 1).padStart(2, '0'));
const RESTARTS = 200;
const THEME = 'wohnen';

/** Random instances like the property tests': 12–60 towns, up to 16 states, a few topics each. */
function randomInstance(seed: number): MatchTown[] {
  const rnd = mulberry32(seed);
  const n = 12 + Math.floor(rnd() * 49);
  const states = 3 + Math.floor(rnd() * 14);
  const pick = (k: number) => shuffle([...TOPICS.slice(0, 10)], rnd).slice(0, k);
  return Array.from({ length: n }, (_, i) => {
    const s = STATES[Math.floor(rnd() * states)];
    const topics = [...new Set([THEME, ...pick(Math.floor(rnd() * 4))])];
    return {
      id: `t${i}`,
      stateCode: s,
      stateName: `Land ${s}`,
      population: Math.round(1000 + rnd() * 39000),
      areaKm2: 5 + rnd() * 300,
      degurba: 1 + Math.floor(rnd() * 3),
      topics,
      challenges: pick(1 + Math.floor(rnd() * 2)).map((topic) => ({ topic, urgency: 1 + Math.floor(rnd() * 3) })),
      experiences: (rnd() < 0.35 ? [THEME] : []).concat(pick(Math.floor(rnd() * 2))).map((topic) => ({ topic })),
      capacity: 1,
    };
  });
}

/**
 * The baseline: for each restart a random number of groups (1 … as many as seeds and sizes allow), random
 * experienced seeds, then every other town in random order into the group where it adds most (room and a new
 * state), groups below minSize dropped; the best objective over all restarts.
 */
function randomRestartBaseline(
  ctx: ScoringContext,
  towns: readonly MatchTown[],
  theme: string,
  restarts: number,
  seed: number,
  minSize = 4,
  maxSize = 6,
): { objective: number; placed: number } {
  const cand = towns.filter(
    (t) => t.topics.includes(theme) || t.challenges.some((c) => c.topic === theme) || t.experiences.some((e) => e.topic === theme),
  );
  const n = cand.length;
  const w = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) w[i * n + j] = w[j * n + i] = pairScore(ctx, cand[i], cand[j]);
  const exp = cand.map((t) => t.experiences.some((e) => e.topic === theme));
  const rnd = mulberry32(seed);
  const maxGroups = Math.min(exp.filter(Boolean).length, Math.floor(n / minSize));
  let best = { objective: 0, placed: 0 };
  for (let r = 0; r < restarts && maxGroups > 0; r++) {
    const groupCount = 1 + Math.floor(rnd() * maxGroups);
    const order = shuffle(
      cand.map((_, i) => i),
      rnd,
    );
    const groups: number[][] = order
      .filter((i) => exp[i])
      .slice(0, groupCount)
      .map((i) => [i]);
    const seeded = new Set(groups.map((g) => g[0]));
    for (const i of order) {
      if (seeded.has(i)) continue;
      let bestG = -1,
        bestGain = -1;
      for (let g = 0; g < groups.length; g++) {
        if (groups[g].length >= maxSize || groups[g].some((j) => cand[j].stateCode === cand[i].stateCode)) continue;
        const gain = groups[g].reduce((s, j) => s + w[i * n + j], 0);
        if (gain > bestGain) [bestGain, bestG] = [gain, g];
      }
      if (bestG >= 0) groups[bestG].push(i);
    }
    let objective = 0,
      placed = 0;
    for (const g of groups) {
      if (g.length < minSize) continue;
      placed += g.length;
      for (let a = 0; a < g.length; a++) for (let b = a + 1; b < g.length; b++) objective += w[g[a] * n + g[b]];
    }
    if (objective > best.objective) best = { objective, placed };
  }
  return best;
}

const objectiveOf = (r: ReturnType<typeof workshopGroups>) => r.groups.reduce((s, g) => s + g.score, 0);

async function main() {
  const ratios: number[] = [];
  let wins = 0,
    ties = 0,
    placedOurs = 0,
    placedBase = 0,
    searchSec = 0,
    baseSec = 0;
  for (let x = 0; x < 60; x++) {
    const towns = randomInstance(1000 + x);
    const ctx = buildContext(towns, DEFAULT_WEIGHTS);
    let t = performance.now();
    const ours = workshopGroups(ctx, towns, THEME, { seed: x + 1 });
    searchSec += (performance.now() - t) / 1000;
    t = performance.now();
    const base = randomRestartBaseline(ctx, towns, THEME, RESTARTS, x + 1);
    baseSec += (performance.now() - t) / 1000;
    const o = objectiveOf(ours);
    if (base.objective === 0 && o === 0) continue;
    ratios.push(base.objective > 0 ? o / base.objective : Infinity);
    if (o > base.objective + 1e-9) wins++;
    else if (Math.abs(o - base.objective) <= 1e-9) ties++;
    placedOurs += ours.groups.reduce((s, g) => s + g.townIds.length, 0);
    placedBase += base.placed;
  }
  const mean = ratios.reduce((a, b) => a + b, 0) / ratios.length;
  console.log(
    `workshops, 60 random instances (12–60 towns): search/baseline objective mean ${mean.toFixed(3)}, min ${Math.min(...ratios).toFixed(3)}; search ahead on ${wins}, equal on ${ties}, behind on ${ratios.length - wins - ties} of ${ratios.length}; towns placed ${placedOurs} vs ${placedBase}; time ${searchSec.toFixed(2)} s vs ${baseSec.toFixed(2)} s (baseline: best of ${RESTARTS} randomised greedy restarts)`,
  );

  let real: Record<string, number> = {};
  try {
    const records = parseDestatis(await readWorkbook(XLSX));
    const small = syntheticProfiles(records, 42).filter((t) => t.population >= 5000 && t.population < 20000);
    const ctx = buildContext(small, DEFAULT_WEIGHTS);
    let t = performance.now();
    const ours = workshopGroups(ctx, small, 'coworking', { seed: 7 });
    const oursSec = (performance.now() - t) / 1000;
    t = performance.now();
    const base = randomRestartBaseline(ctx, small, 'coworking', 20, 7);
    const bSec = (performance.now() - t) / 1000;
    const o = objectiveOf(ours);
    console.log(
      `workshops, theme coworking over ${small.length} small towns: search ${o.toFixed(2)} in ${oursSec.toFixed(2)} s (${ours.groups.length} groups, ${ours.leftOut.length} left out) vs baseline ${base.objective.toFixed(2)} in ${bSec.toFixed(2)} s (best of 20 restarts): ratio ${(o / base.objective).toFixed(3)}`,
    );
    real = {
      coworking_ratio: +(o / base.objective).toFixed(3),
      coworking_search_seconds: +oursSec.toFixed(3),
      coworking_baseline_seconds: +bSec.toFixed(3),
      coworking_groups: ours.groups.length,
      coworking_left_out: ours.leftOut.length,
    };
  } catch (err) {
    console.log(`(Destatis input not read: ${(err as Error).message}; random instances only)`);
  }
  console.log(
    JSON.stringify({
      instances: ratios.length,
      objective_ratio_mean: +mean.toFixed(3),
      objective_ratio_min: +Math.min(...ratios).toFixed(3),
      search_ahead: wins,
      equal: ties,
      behind: ratios.length - wins - ties,
      search_seconds: +searchSec.toFixed(3),
      baseline_seconds: +baseSec.toFixed(3),
      ...real,
    }),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
