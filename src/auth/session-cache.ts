import type { SessionUser } from './session-user';

/** How long a fenced session or user is read from the database only (longer than any transaction that ends sessions). */
export const FENCE_MS = 60_000;
/** Bound on cached entries per map (a full map is cleared: the cache only ever saves reads). */
const MAX_ENTRIES = 20_000;

interface CachedSession {
  /** The stored session as JSON: every hit parses a fresh copy (express-session mutates what the store returns). */
  json: string;
  expireMs: number;
  userId: string | null;
  until: number;
}

/**
 * A short-lived, in-process copy of what every signed-in request reads first: its session row and its user. With a
 * TTL of a few seconds a busy mayor's page views cost one query for the page's own data instead of three more.
 *
 * Security:
 * - In THIS process a logout (session destroyed), and ending a user's sessions (password
 *   change or reset, account deletion, rejected registration, removed contact) or changing the user's email or
 *   password drop the entries at once and fence them: for FENCE_MS nothing about that session or user is cached
 *   again, so a read that raced with the change (or ran before its transaction committed) cannot put the old state
 *   back.
 * - In OTHER web processes (several replicas behind a load balancer) a change is seen when their entry expires:
 *   at most `ttlMs` later (SESSION_CACHE_MS, default 2 s; 0 turns the cache off). Deployments that cannot accept
 *   that bound set SESSION_CACHE_MS=0.
 * Plain TypeScript (no Nest): one instance per process, shared by the session store and the user loader.
 */
export class SessionCache {
  private readonly sessions = new Map<string, CachedSession>();
  private readonly users = new Map<string, { user: SessionUser; until: number }>();
  private readonly fencedSessions = new Map<string, number>();
  private readonly fencedUsers = new Map<string, number>();
  /** Caching pauses for a fence period when the fences overflow (a flood of logouts). */
  private pausedUntil = 0;

  constructor(
    public ttlMs = 0,
    private readonly now: () => number = Date.now,
  ) {}

  get enabled(): boolean {
    return this.ttlMs > 0 && this.pausedUntil <= this.now();
  }

  getSession(sid: string): { sess: unknown; expireMs: number } | undefined {
    const e = this.sessions.get(sid);
    if (!e) return undefined;
    const now = this.now();
    if (e.until <= now || e.expireMs < now) {
      this.sessions.delete(sid);
      return undefined;
    }
    return { sess: JSON.parse(e.json), expireMs: e.expireMs };
  }

  /** Remembers a session row just read from the database, unless the session or its user was fenced meanwhile. */
  putSession(sid: string, sess: unknown, expireMs: number): void {
    if (!this.enabled) return;
    const userId = passportUser(sess);
    if (this.isFenced(this.fencedSessions, sid) || (userId && this.isFenced(this.fencedUsers, userId))) return;
    if (this.sessions.size >= MAX_ENTRIES) this.sessions.clear();
    this.sessions.set(sid, { json: JSON.stringify(sess), expireMs, userId, until: this.now() + this.ttlMs });
  }

  /** The stored expiry moved (a touch was written). */
  sessionTouched(sid: string, expireMs: number): void {
    const e = this.sessions.get(sid);
    if (e) e.expireMs = expireMs;
  }

  /**
   * A session was written in this process. Not fenced: passport writes a changed login only under a NEW id
   * (login and logout regenerate the session, destroying the old id), so no earlier read of this id can be stale.
   */
  sessionWritten(sid: string): void {
    this.sessions.delete(sid);
  }

  /** A session was destroyed in this process (logout, regenerate). */
  dropSession(sid: string): void {
    this.sessions.delete(sid);
    this.fence(this.fencedSessions, sid);
  }

  getUser(id: string): SessionUser | undefined {
    const e = this.users.get(id);
    if (!e) return undefined;
    if (e.until <= this.now()) {
      this.users.delete(id);
      return undefined;
    }
    return { ...e.user };
  }

  putUser(user: SessionUser): void {
    if (!this.enabled || this.isFenced(this.fencedUsers, user.id)) return;
    if (this.users.size >= MAX_ENTRIES) this.users.clear();
    this.users.set(user.id, { user: { ...user }, until: this.now() + this.ttlMs });
  }

  /** The users changed (or their sessions ended): drop them and every cached session of theirs, and fence both. */
  dropUsers(ids: string[]): void {
    const gone = new Set(ids);
    for (const id of ids) {
      this.users.delete(id);
      this.fence(this.fencedUsers, id);
    }
    for (const [sid, e] of this.sessions) {
      if (e.userId && gone.has(e.userId)) this.dropSession(sid);
    }
  }

  clear(): void {
    this.sessions.clear();
    this.users.clear();
  }

  private fence(map: Map<string, number>, key: string): void {
    if (map.size >= MAX_ENTRIES) this.expireFences(map);
    map.set(key, this.now() + FENCE_MS);
  }

  private isFenced(map: Map<string, number>, key: string): boolean {
    const until = map.get(key);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    map.delete(key);
    return false;
  }

  private expireFences(map: Map<string, number>): void {
    const now = this.now();
    for (const [k, until] of map) if (until <= now) map.delete(k);
    // Still full: fence everything at once by turning caching off for the fence period.
    if (map.size >= MAX_ENTRIES) {
      map.clear();
      this.clear();
      this.pausedUntil = now + FENCE_MS;
    }
  }
}

const passportUser = (sess: unknown): string | null => {
  const user = (sess as { passport?: { user?: unknown } } | null)?.passport?.user;
  return typeof user === 'string' ? user : null;
};

/** The process's cache; its TTL is set once from the config when the HTTP app is set up (0 = off, as in tests). */
export const sessionCache = new SessionCache();
