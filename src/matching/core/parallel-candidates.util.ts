import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { MatchTown } from './matching-input.types';
import { ScoringContext } from './score.util';
import { assignSuggestions, Candidates, candidateLists, emptyCandidates, mergeCandidates, planSuggestions, SuggestionResult, SuggestionRules } from './suggestions.util';

/**
 * The candidate pass split over worker threads by rows of the pair triangle (each thread scores about
 * the same number of pairs), merged afterwards. Falls back to one thread where workers cannot load
 * compiled code (e.g. under ts-jest/swc) or the input is small.
 */
export async function candidateListsParallel(ctx: ScoringContext, towns: readonly MatchTown[], m: number, excluded: Set<number>, threads = availableParallelism()): Promise<Candidates> {
  const n = towns.length;
  if (threads < 2 || n < 2000 || !__filename.endsWith('.js')) return candidateLists(ctx, towns, m, excluded);
  // Row i has n-1-i pairs: cut so each part holds about 1/threads of n(n-1)/2.
  const cuts = [0];
  for (let t = 1; t < threads; t++) cuts.push(Math.round(n * (1 - Math.sqrt(1 - t / threads))));
  cuts.push(n);
  const parts = await Promise.all(cuts.slice(0, -1).map((from, t) => new Promise<Candidates>((resolve, reject) => {
    const worker = new Worker(__filename.replace(/parallel-candidates\.util\.js$/, 'candidate.worker.js'), {
      workerData: { raw: ctx.raw, idf: [...ctx.idf], topicNames: ctx.topicNames, towns, m, excluded: [...excluded], from, to: cuts[t + 1] },
    });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => code !== 0 && reject(new Error(`candidate worker exited with ${code}`)));
  })));
  return parts.reduce((acc, p) => mergeCandidates(acc, p, m));
}

export async function suggestPartnersParallel(ctx: ScoringContext, towns: readonly MatchTown[], rules: SuggestionRules, threads?: number): Promise<SuggestionResult> {
  const { k, m, excluded } = planSuggestions(towns, rules);
  const cand = towns.length > 1 ? await candidateListsParallel(ctx, towns, m, excluded, threads) : emptyCandidates(towns.length);
  return assignSuggestions(ctx, towns, rules, k, m, excluded, cand);
}
