import { ShortLived } from '../../../src/municipalities/short-lived.util';

describe('ShortLived', () => {
  let now = 0;
  let reads = 0;
  let fail = false;
  const load = () => {
    reads += 1;
    return fail ? Promise.reject(new Error('database down')) : Promise.resolve(reads);
  };
  const cache = () => new ShortLived(load, 2000, () => now);

  beforeEach(() => {
    now = 1_000_000;
    reads = 0;
    fail = false;
  });

  it('reads once within the TTL, also for callers that come while the read is in flight', async () => {
    const c = cache();
    const [a, b] = await Promise.all([c.get(), c.get()]);
    now += 1999;
    expect([a, b, await c.get()]).toEqual([1, 1, 1]);
    expect(reads).toBe(1);
  });

  it('reads again once the TTL has passed, and at once after invalidate()', async () => {
    const c = cache();
    await c.get();
    now += 2000;
    expect(await c.get()).toBe(2);
    c.invalidate();
    expect(await c.get()).toBe(3);
  });

  it('keeps no failed read: the next caller reads again', async () => {
    const c = cache();
    fail = true;
    await expect(c.get()).rejects.toThrow('database down');
    fail = false;
    expect(await c.get()).toBe(2);
  });

  it('fresh() answers the kept value within the TTL and nothing after it, without reading', async () => {
    const c = cache();
    expect(c.fresh()).toBeUndefined();
    await c.get();
    now += 1999;
    expect(await c.fresh()).toBe(1);
    now += 1;
    expect(c.fresh()).toBeUndefined();
    expect(reads).toBe(1);
  });
});
