/**
 * One value read at most once per `ttlMs` (the project allows ≤ 2 s) by this process; concurrent callers share the
 * read in flight. `invalidate()` after a write in this process shows the change at once; other processes see it within
 * the TTL. Only for data that is the same for every viewer.
 */
export class ShortLived<T> {
  private value: Promise<T> | null = null;
  private readAt = 0;

  constructor(
    private readonly load: () => Promise<T>,
    private readonly ttlMs = 2000,
    private readonly now: () => number = Date.now,
  ) {}

  get(): Promise<T> {
    const t = this.now();
    if (this.value && t - this.readAt < this.ttlMs) return this.value;
    this.readAt = t;
    const value = this.load();
    this.value = value;
    // A failed read is not kept: the next caller reads again.
    value.catch(() => {
      if (this.value === value) this.value = null;
    });
    return value;
  }

  /** The value when one is kept and still fresh (no read). */
  fresh(): Promise<T> | undefined {
    return this.value && this.now() - this.readAt < this.ttlMs ? this.value : undefined;
  }

  invalidate(): void {
    this.value = null;
  }
}
