import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { MatchTown } from './matching-input.types';
import { ScoringContext } from './score.util';
import { preparePass, PreparedPass } from './candidate-features.util';
import { Candidates, sharedPass } from './candidate-lists.util';
import { scanPass } from './candidate-pass.util';
import { assignSuggestions, emptyCandidates, planSuggestions, SuggestionResult, SuggestionRules } from './suggestions.util';

/**
 * The candidate pass on several threads: this thread and threads − 1 worker threads claim blocks of rows from
 * one counter and push into one set of lists with one set of thresholds (see SharedPass), so the work balances
 * itself (a helper that boots late or runs on a busy core just takes fewer rows) and each pair is pruned as well
 * as on one thread. The lists hold the same entries as one thread's (their order inside a town's list may differ;
 * assignSuggestions sorts them). This thread is busy while it scans, as with the one-thread pass. Falls back to
 * one thread where workers cannot load compiled code (e.g. under ts-jest/swc) or the input is small. Returns the
 * prepared numbers too: assignSuggestions fills short lists with scans on them.
 */
export async function candidateListsParallel(
  ctx: ScoringContext,
  towns: readonly MatchTown[],
  m: number,
  excluded: Set<number>,
  threads = availableParallelism(),
): Promise<Candidates & { prep: PreparedPass }> {
  const n = towns.length;
  const prep = preparePass(ctx, towns);
  if (threads < 2 || n < 2000 || !__filename.endsWith('.js')) return { ...scanPass(prep, m, excluded, { from: 0, to: n }), prep };
  const pass = sharedPass(n, m);
  const done = new Int32Array(new SharedArrayBuffer(4));
  const keys = [...excluded];
  const helpers = Array.from(
    { length: threads - 1 },
    () =>
      new Promise<void>((resolve, reject) => {
        const worker = new Worker(__filename.replace(/parallel-candidates\.util\.js$/, 'candidate.worker.js'), {
          workerData: { prep, m, excluded: keys, pass, done },
        });
        worker.once('message', () => resolve());
        worker.once('error', reject);
        worker.once('exit', (code) => code !== 0 && reject(new Error(`candidate worker exited with ${code}`)));
      }),
  );
  // This thread scans too, from the start, while the helpers boot.
  scanPass(prep, m, excluded, pass);
  await Promise.all(helpers);
  // Reads the helpers' Atomics.add: everything they wrote into the lists before it is visible here.
  if (Atomics.load(done, 0) !== threads - 1) throw new Error('candidate pass: a helper thread did not finish');
  return { ...pass.out, prep };
}

export async function suggestPartnersParallel(
  ctx: ScoringContext,
  towns: readonly MatchTown[],
  rules: SuggestionRules,
  threads?: number,
): Promise<SuggestionResult> {
  const { k, m, excluded } = planSuggestions(towns, rules);
  if (towns.length < 2) return assignSuggestions(ctx, towns, rules, k, m, excluded, emptyCandidates(towns.length));
  const cand = await candidateListsParallel(ctx, towns, m, excluded, threads);
  return assignSuggestions(ctx, towns, rules, k, m, excluded, cand, cand.prep);
}
