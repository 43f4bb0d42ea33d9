/**
 * Polls until `probe` returns something truthy and returns it; throws once the deadline passes, naming what was
 * awaited and the last value seen. Tests wait on the condition itself, never on a fixed sleep.
 */
export async function waitFor<T>(
  probe: () => T | Promise<T>,
  { timeoutMs = 20_000, intervalMs = 50, what }: { timeoutMs?: number; intervalMs?: number; what: string },
): Promise<NonNullable<T>> {
  const until = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await probe();
      lastError = undefined;
      if (last) return last;
    } catch (err) {
      lastError = err; // a probe may fail while the thing it watches starts; only the deadline decides
    }
    if (Date.now() >= until) {
      const seen = lastError
        ? `last error: ${lastError instanceof Error ? lastError.message : JSON.stringify(lastError)}`
        : `last value: ${JSON.stringify(last)}`;
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what} (${seen})`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
