import { parentPort, workerData } from 'node:worker_threads';
import { PreparedPass } from './candidate-features.util';
import { SharedPass } from './candidate-lists.util';
import { scanPass } from './candidate-pass.util';

// A helper thread of the candidate pass (see parallel-candidates.util.ts): scans the rows it can claim into the
// shared lists, then says so; the Atomics.add makes its writes visible to the thread that reads the lists.
const { prep, m, excluded, pass, done } = workerData as {
  prep: PreparedPass;
  m: number;
  excluded: number[];
  pass: SharedPass;
  done: Int32Array;
};
scanPass(prep, m, new Set<number>(excluded), pass);
Atomics.add(done, 0, 1);
parentPort!.postMessage('done');
