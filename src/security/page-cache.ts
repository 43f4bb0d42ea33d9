import { LRUCache, type Perf } from 'lru-cache';

/** A kept answer as a request gets it: the bytes of a page or of an API read's JSON, with this request's CSRF token. */
export interface KeptAnswer {
  body: Buffer;
  type: string;
}

/**
 * An answer is kept as UTF-8 bytes cut where the rendering request's CSRF token stood: a hit joins the pieces with its
 * own token (a copy of bytes) instead of rendering, serializing or encoding 100 kB again on every request.
 */
interface Kept {
  pieces: Buffer[];
  type: string;
  bytes: number;
}

interface Entry {
  version: string;
  kept: Kept;
}

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
            sizeCalculation: (e) => 256 + e.kept.bytes,
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
    const k = e.kept;
    if (k.pieces.length === 1) return { body: k.pieces[0], type: k.type };
    const token = Buffer.from(csrfToken());
    const parts: Buffer[] = [k.pieces[0]];
    for (let i = 1; i < k.pieces.length; i++) parts.push(token, k.pieces[i]);
    return { body: Buffer.concat(parts), type: k.type };
  }

  /** Keeps an answer sent at `version`; the request's own CSRF token (if it rendered one) becomes the cut. */
  put(key: string, version: string, body: string, type: string, csrfToken: string | undefined): void {
    if (!this.lru) return;
    const pieces = (csrfToken ? body.split(csrfToken) : [body]).map((p) => Buffer.from(p));
    this.lru.set(key, { version, kept: { pieces, type, bytes: pieces.reduce((n, p) => n + p.length, 0) } });
  }
}
