import { parentPort, workerData } from 'node:worker_threads';
import { candidateLists } from './suggestions.util';
import { normalisedWeights } from './weights';

// One slice of the candidate pass (see parallel-candidates.util.ts); results go back as transferred buffers.
const { raw, idf, topicNames, towns, m, excluded, from, to } = workerData;
const ctx = { raw, weights: normalisedWeights(raw), idf: new Map<string, number>(idf), topicNames };
const r = candidateLists(ctx, towns, m, new Set<number>(excluded), { from, to });
parentPort!.postMessage(r, [r.partner.buffer, r.score.buffer, r.count.buffer] as never);
