import connectPgSimple from 'connect-pg-simple';
import session from 'express-session';
import type { Pool } from 'pg';
import { SessionCache, sessionCache } from './session-cache';

// A session's expiry slides by at most this much before it is written again.
const TOUCH_EVERY_MS = 5 * 60_000;
// Sessions whose expiry was read but not yet touched (bounded: a request that fails before its touch leaves one).
const MAX_PENDING = 10_000;

type Callback<T = unknown> = (err: Error | null, value?: T) => void;

/**
 * The PostgreSQL session store (connect-pg-simple, table http_session), except that express-session's touch on
 * every response writes only when the stored expiry is more than five minutes old: otherwise each page view costs
 * a committed UPDATE (a WAL flush) that the response waits for.
 */
export function createSessionStore(pool: Pool, cache: SessionCache = sessionCache): session.Store & { close(): void | Promise<void> } {
  const PgStore = connectPgSimple(session);
  const storedExpiry = new Map<string, number>();

  class ThrottledTouchStore extends PgStore {
    override get(sid: string, fn: Callback<session.SessionData | null>): void {
      const hit = cache.getSession(sid);
      if (hit) {
        remember(sid, hit.expireMs);
        return fn(null, hit.sess as session.SessionData);
      }
      const self = this as unknown as {
        query(sql: string, params: unknown[], fn: Callback<{ sess: session.SessionData; expireMs: number }>): void;
      };
      // expire is a timestamp without time zone written through the session's TimeZone: read it back the same way.
      self.query(
        `SELECT sess, extract(epoch FROM expire::timestamptz) * 1000 AS "expireMs" FROM http_session WHERE sid = $1 AND expire >= now()`,
        [sid],
        (err, row) => {
          if (err) return fn(err);
          if (!row) return fn(null, null);
          remember(sid, Number(row.expireMs));
          cache.putSession(sid, row.sess, Number(row.expireMs));
          fn(null, row.sess);
        },
      );
    }

    override touch(sid: string, sess: session.SessionData, fn?: (err?: unknown) => void): void {
      const before = storedExpiry.get(sid);
      storedExpiry.delete(sid);
      const next = sess.cookie?.expires ? new Date(sess.cookie.expires).getTime() : NaN;
      if (before !== undefined && next - before < TOUCH_EVERY_MS) {
        fn?.();
        return;
      }
      super.touch(sid, sess, (err?: unknown) => {
        if (!err && Number.isFinite(next)) cache.sessionTouched(sid, next);
        fn?.(err);
      });
    }

    override set(sid: string, sess: session.SessionData, fn?: (err?: unknown) => void): void {
      cache.sessionWritten(sid);
      super.set(sid, sess, fn);
    }

    override destroy(sid: string, fn?: (err?: unknown) => void): void {
      cache.dropSession(sid);
      super.destroy(sid, fn);
    }
  }

  const remember = (sid: string, expireMs: number) => {
    if (storedExpiry.size >= MAX_PENDING) storedExpiry.clear();
    storedExpiry.set(sid, expireMs);
  };

  return new ThrottledTouchStore({ pool, tableName: 'http_session', createTableIfMissing: false });
}
