import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as WorkerThreads from 'node:worker_threads';
import type { MatchTown } from '../../src/matching/core/matching-input.types';
import type * as Parallel from '../../src/matching/core/parallel-candidates.util';
import type * as Prng from '../../src/matching/core/prng.util';
import type * as Score from '../../src/matching/core/score.util';
import type * as Suggestions from '../../src/matching/core/suggestions.util';
import type * as Weights from '../../src/matching/core/weights';
import { TOPICS } from '../unit/matching/town.factory';

// The threaded candidate pass runs only from compiled JavaScript (its workers load candidate.worker.js), so this test
// loads the build in dist/ with Node's own require (scripts/test.sh builds first) instead of jest's TypeScript path.
const DIST = join(__dirname, '../../dist/src/matching/core');
const nodeRequire = createRequire(__filename);
const load = <T>(file: string) => nodeRequire(join(DIST, file)) as T;

/** Seeded synthetic towns: enough of them (≥ 2,000) that the pass really goes parallel. */
function syntheticTowns(n: number, seed: number, mulberry32: typeof Prng.mulberry32): MatchTown[] {
  const rnd = mulberry32(seed);
  const pick = (max: number) => [
    ...new Set(Array.from({ length: Math.floor(rnd() * (max + 1)) }, () => TOPICS[Math.floor(rnd() ** 2 * TOPICS.length)])),
  ];
  return Array.from({ length: n }, (_, i) => ({
    id: `t${i}`,
    stateCode: String(1 + Math.floor(rnd() * 16)).padStart(2, '0'),
    stateName: `Land ${i % 16}`,
    population: 3000 + Math.floor(rnd() * 30000),
    associationPopulation: rnd() < 0.3 ? 10000 + Math.floor(rnd() * 40000) : null,
    areaKm2: 5 + rnd() * 300,
    degurba: rnd() < 0.1 ? null : 1 + Math.floor(rnd() * 3),
    lat: 47.5 + rnd() * 7,
    lon: 6 + rnd() * 9,
    topics: pick(5),
    challenges: pick(3).map((topic) => ({ topic, urgency: 1 + Math.floor(rnd() * 3) })),
    experiences: pick(3).map((topic) => ({ topic })),
    capacity: 1,
  }));
}

describe('threaded candidate pass (compiled, from dist/)', () => {
  it('gives exactly the one-thread suggestions on a seeded input of 2,500 towns, with helper threads really started', async () => {
    expect(existsSync(join(DIST, 'candidate.worker.js'))).toBe(true); // run `npm run build` first
    const { suggestPartnersParallel } = load<typeof Parallel>('parallel-candidates.util.js');
    const { suggestPartners } = load<typeof Suggestions>('suggestions.util.js');
    const { buildContext } = load<typeof Score>('score.util.js');
    const { DEFAULT_WEIGHTS } = load<typeof Weights>('weights.js');
    const { mulberry32 } = load<typeof Prng>('prng.util.js');

    // Count the workers the compiled module starts (it reads Worker from this same module object at call time).
    const threads = nodeRequire('node:worker_threads') as typeof WorkerThreads;
    const Original = threads.Worker;
    let started = 0;
    threads.Worker = class extends Original {
      constructor(...args: ConstructorParameters<typeof Original>) {
        super(...args);
        started++;
      }
    };
    try {
      const towns = syntheticTowns(2500, 20261202, mulberry32);
      const ctx = buildContext(towns, DEFAULT_WEIGHTS);
      const rules = { k: 10, exposureCap: 20, tandemPairs: [['t1', 't2'] as const, ['t3', 't4'] as const] };
      const threaded = await suggestPartnersParallel(ctx, towns, rules, 3);
      const one = suggestPartners(ctx, towns, rules);
      expect(started).toBe(2);
      const key = (r: typeof one) => r.suggestions.map((x) => `${x.townId}>${x.partnerId}:${x.score}`);
      expect(threaded.suggestions.length).toBeGreaterThan(2500 * 5);
      expect(key(threaded)).toEqual(key(one));
      expect(threaded.uncovered).toEqual(one.uncovered);
    } finally {
      threads.Worker = Original;
    }
  });
});
