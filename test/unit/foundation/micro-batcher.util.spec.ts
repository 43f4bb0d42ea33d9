import { MicroBatcher } from '../../../src/common/micro-batcher.util';

describe('MicroBatcher', () => {
  it('puts calls of one event-loop turn into one batch and answers each call with its own result', async () => {
    const batches: number[][] = [];
    const b = new MicroBatcher<number, number>((xs) => {
      batches.push(xs);
      return Promise.resolve(xs.map((x) => x * 10));
    });
    const out = await Promise.all([1, 2, 3].map((x) => b.call(x)));
    expect(out).toEqual([10, 20, 30]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('splits at maxBatch and holds further calls while maxInFlight batches run', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const b = new MicroBatcher<number, number>(
      async (xs) => {
        batches.push(xs);
        await gate;
        return xs;
      },
      2,
      1,
    );
    const first = [1, 2, 3, 4, 5].map((x) => b.call(x));
    await new Promise((r) => setImmediate(r));
    expect(batches).toEqual([[1, 2]]); // one in flight; the rest waits
    release();
    expect(await Promise.all(first)).toEqual([1, 2, 3, 4, 5]);
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('fails every call of a batch whose run throws, and keeps working afterwards', async () => {
    let fail = true;
    const b = new MicroBatcher<number, number>((xs) => (fail ? Promise.reject(new Error('database away')) : Promise.resolve(xs)));
    const failed = await Promise.allSettled([b.call(1), b.call(2)]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await b.call(3)).toBe(3);
  });

  it('rejects when the batch answers the wrong number of results', async () => {
    const b = new MicroBatcher<number, number>(() => Promise.resolve([1]));
    await expect(Promise.all([b.call(1), b.call(2)])).rejects.toThrow('batch answered 1 results for 2 inputs');
  });
});
