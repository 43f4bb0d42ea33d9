/**
 * Binary min-heap of (key, a, b) entries in growable typed arrays. The blossom algorithm pushes millions of
 * entries; a general heap with a comparator callback on boxed tuples (heap-js was tried) spent more time in
 * the callback and the garbage collector than the whole rest of the algorithm.
 */
export class MinHeap {
  private keys = new Float64Array(1024);
  private as = new Int32Array(1024);
  private bs = new Int32Array(1024);
  size = 0;

  push(key: number, a: number, b: number): void {
    if (this.size === this.keys.length) this.grow();
    const { keys, as, bs } = this;
    let x = this.size++;
    while (x > 0) {
      const p = (x - 1) >> 1;
      if (keys[p] <= key) break;
      keys[x] = keys[p];
      as[x] = as[p];
      bs[x] = bs[p];
      x = p;
    }
    keys[x] = key;
    as[x] = a;
    bs[x] = b;
  }

  /** The smallest entry's key and payload (undefined behaviour when empty: check size). */
  topKey(): number {
    return this.keys[0];
  }
  topA(): number {
    return this.as[0];
  }
  topB(): number {
    return this.bs[0];
  }

  pop(): void {
    const { keys, as, bs } = this;
    const n = --this.size;
    if (n === 0) return;
    const key = keys[n],
      a = as[n],
      b = bs[n];
    let x = 0;
    for (;;) {
      let c = 2 * x + 1;
      if (c >= n) break;
      if (c + 1 < n && keys[c + 1] < keys[c]) c++;
      if (keys[c] >= key) break;
      keys[x] = keys[c];
      as[x] = as[c];
      bs[x] = bs[c];
      x = c;
    }
    keys[x] = key;
    as[x] = a;
    bs[x] = b;
  }

  private grow(): void {
    const keys = new Float64Array(this.keys.length * 2);
    keys.set(this.keys);
    const as = new Int32Array(keys.length);
    as.set(this.as);
    const bs = new Int32Array(keys.length);
    bs.set(this.bs);
    this.keys = keys;
    this.as = as;
    this.bs = bs;
  }
}
