import { LRUCache, type Perf } from 'lru-cache';

/** A kept answer: a rendered page (with slots for the request's CSRF token) or an API read's value. */
export type KeptAnswer = { kind: 'body'; body: string; type: string; csrfSlots: boolean } | { kind: 'value'; value: unknown };

interface Entry {
  version: string;
  answer: KeptAnswer;
}

/** Where a kept page had the CSRF token of the request that rendered it; each later request puts in its own. */
const CSRF_SLOT = '\u0000kt-csrf\u0000';

/**
 * Answers of signed-in GET requests, kept per session and URL with the data version they were made at (issue 29).
 * An answer is reused only while the version is unchanged (no write has committed since) and for at most `ttlMs`,
 * which bounds how stale a text about the passing time ("seit 3 Tagen") can be. Bounded by size (LRU).
 * Plain TypeScript: one instance per web process (page-cache.interceptor.ts wires it into requests).
 */
export class PageCache {
  private readonly lru: LRUCache<string, Entry> | null;

  /** `perf` is the clock (tests pass their own). */
  constructor(maxBytes: number, ttlMs: number, perf?: Perf) {
    this.lru =
      maxBytes > 0
        ? new LRUCache<string, Entry>({
            maxSize: maxBytes,
            ttl: ttlMs,
            // Read the clock on every lookup (the default caches it for a tick).
            ttlResolution: 0,
            ...(perf ? { perf } : {}),
            // Strings count two bytes a character; a value is kept as a reference, counted by its JSON.
            sizeCalculation: (e) => 256 + 2 * (e.answer.kind === 'body' ? e.answer.body.length : JSON.stringify(e.answer.value).length),
          })
        : null;
  }

  get enabled(): boolean {
    return this.lru !== null;
  }

  static key(sessionId: string, url: string): string {
    return `${sessionId} ${url}`;
  }

  /** The answer kept for `key` at `version`, with `csrfToken()` (called only when the page had one) put back in. */
  get(key: string, version: string, csrfToken: () => string): KeptAnswer | undefined {
    const e = this.lru?.get(key);
    if (!e || e.version !== version) return undefined;
    const a = e.answer;
    if (a.kind === 'body' && a.csrfSlots) return { ...a, body: a.body.split(CSRF_SLOT).join(csrfToken()) };
    return a;
  }

  /** Keeps a page rendered at `version`; the request's own CSRF token (if it rendered one) becomes a slot. */
  putBody(key: string, version: string, body: string, type: string, csrfToken: string | undefined): void {
    if (!this.lru) return;
    const csrfSlots = !!csrfToken && body.includes(csrfToken);
    const kept = csrfSlots ? body.split(csrfToken).join(CSRF_SLOT) : body;
    this.lru.set(key, { version, answer: { kind: 'body', body: kept, type, csrfSlots } });
  }

  putValue(key: string, version: string, value: unknown): void {
    this.lru?.set(key, { version, answer: { kind: 'value', value } });
  }
}
