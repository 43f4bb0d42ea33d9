import connectPgSimple from 'connect-pg-simple';
import session from 'express-session';
import type { Pool } from 'pg';
import { SessionCache, sessionCache } from './session-cache';

// A session's expiry slides by at most this much before it is written again.
const TOUCH_EVERY_MS = 5 * 60_000;
// Sessions whose stored expiry this process knows (bounded: a full map is cleared, which costs one write each).
const MAX_KNOWN = 10_000;

type Callback<T = unknown> = (err: Error | null, value?: T) => void;
type Row = { sess: session.SessionData; expireMs: number };

/**
 * The PostgreSQL session store (connect-pg-simple, table http_session), except:
 * - express-session's touch on every response writes only when the stored expiry is more than five minutes old:
 *   otherwise each page view costs a committed UPDATE (a WAL flush) that the response waits for. The stored expiry
 *   is kept per session, not per request, so twenty requests of one session at once write it once, not twenty times.
 * - Requests of one session that miss the session cache at the same moment share one read of the row.
 */
export function createSessionStore(pool: Pool, cache: SessionCache = sessionCache): session.Store & { close(): void | Promise<void> } {
  const PgStore = connectPgSimple(session);
  const storedExpiry = new Map<string, number>();
  const reading = new Map<string, Callback<Row | null>[]>();

  class ThrottledTouchStore extends PgStore {
    override get(sid: string, fn: Callback<session.SessionData | null>): void {
      const hit = cache.getSession(sid);
      if (hit) {
        // The cache's copy may predate a touch this process is writing: what the touch claimed stays.
        if (!storedExpiry.has(sid)) know(sid, hit.expireMs);
        return fn(null, hit.sess as session.SessionData);
      }
      const waiting = reading.get(sid);
      // Each waiter gets its own copy: express-session changes the object it is given.
      const deliver: Callback<Row | null> = (err, row) => (err ? fn(err) : fn(null, row ? structuredClone(row.sess) : null));
      if (waiting) return void waiting.push(deliver);
      const all = [deliver];
      reading.set(sid, all);
      const self = this as unknown as { query(sql: string, params: unknown[], fn: Callback<Row>): void };
      // expire is a timestamp without time zone written through the session's TimeZone: read it back the same way.
      self.query(
        `SELECT sess, extract(epoch FROM expire::timestamptz) * 1000 AS "expireMs" FROM http_session WHERE sid = $1 AND expire >= now()`,
        [sid],
        (err, row) => {
          if (reading.get(sid) === all) reading.delete(sid);
          if (!err && row) {
            know(sid, Number(row.expireMs));
            cache.putSession(sid, row.sess, Number(row.expireMs));
          }
          for (const f of all) f(err, row ?? null);
        },
      );
    }

    override touch(sid: string, sess: session.SessionData, fn?: (err?: unknown) => void): void {
      const before = storedExpiry.get(sid);
      const next = sess.cookie?.expires ? new Date(sess.cookie.expires).getTime() : NaN;
      if (before !== undefined && next - before < TOUCH_EVERY_MS) {
        fn?.();
        return;
      }
      // Claimed before the write: the session's other requests now see a fresh expiry and leave the row alone.
      if (Number.isFinite(next)) know(sid, next);
      super.touch(sid, sess, (err?: unknown) => {
        if (err) storedExpiry.delete(sid);
        else if (Number.isFinite(next)) cache.sessionTouched(sid, next);
        fn?.(err);
      });
    }

    override set(sid: string, sess: session.SessionData, fn?: (err?: unknown) => void): void {
      cache.sessionWritten(sid);
      // A read begun before this write is not shared with requests that come after it.
      reading.delete(sid);
      super.set(sid, sess, fn);
    }

    override destroy(sid: string, fn?: (err?: unknown) => void): void {
      cache.dropSession(sid);
      storedExpiry.delete(sid);
      reading.delete(sid);
      super.destroy(sid, fn);
    }
  }

  const know = (sid: string, expireMs: number) => {
    if (storedExpiry.size >= MAX_KNOWN && !storedExpiry.has(sid)) storedExpiry.clear();
    storedExpiry.set(sid, expireMs);
  };

  return new ThrottledTouchStore({ pool, tableName: 'http_session', createTableIfMissing: false });
}
