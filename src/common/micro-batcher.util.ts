/**
 * Collects single calls into batches without a timer: a call made while fewer than `maxInFlight` batches run is
 * flushed on the next turn of the event loop (together with every call made in the same turn); calls made while the
 * limit is reached wait and go out together when a batch finishes. Under load batches grow by themselves; alone, a
 * call waits one event-loop turn. `run` answers one result per input, in input order; when it throws, every call of
 * that batch fails with the error.
 */
export class MicroBatcher<I, O> {
  private pending: { input: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly run: (inputs: I[]) => Promise<O[]>,
    private readonly maxBatch = 200,
    private readonly maxInFlight = 2,
  ) {}

  call(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.pending.push({ input, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight || !this.pending.length) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.inFlight < this.maxInFlight && this.pending.length) {
      const batch = this.pending.splice(0, this.maxBatch);
      this.inFlight++;
      this.run(batch.map((b) => b.input))
        .then(
          (out) => {
            if (out.length !== batch.length) throw new Error(`batch answered ${out.length} results for ${batch.length} inputs`);
            batch.forEach((b, i) => b.resolve(out[i]));
          },
          (err) => batch.forEach((b) => b.reject(err)),
        )
        .catch((err) => batch.forEach((b) => b.reject(err)))
        .finally(() => {
          this.inFlight--;
          this.schedule();
        });
    }
  }
}
