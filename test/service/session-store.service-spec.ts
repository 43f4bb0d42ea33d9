import type { SessionData } from 'express-session';
import { Pool } from 'pg';
import { SessionCache } from '../../src/auth/session-cache';
import { createSessionStore } from '../../src/auth/session-store';
import { MODES, startTestStack, type TestStack } from '../utils/test-stack';

type Store = ReturnType<typeof createSessionStore>;
const asError = (e: unknown) => (e instanceof Error ? e : new Error(String(e)));

// Issue 29: a busy session (twenty requests of one office member at once) must not turn every request into a
// committed UPDATE of its expiry, nor every miss of the session cache into its own read of the row.
describe.each(MODES)('session store under concurrent requests of one session (real database; %s mode)', (mode) => {
  let stack: TestStack;
  let pool: Pool;
  let statements: string[];

  const get = (store: Store, sid: string) =>
    new Promise<SessionData | null | undefined>((res, rej) => store.get(sid, (err, s) => (err ? rej(asError(err)) : res(s))));
  const touch = (store: Store, sid: string, sess: SessionData) =>
    new Promise<void>((res, rej) => store.touch!(sid, sess, (err?: unknown) => (err ? rej(asError(err)) : res())));
  /** What one request does with its session: read it, slide the cookie's expiry by now, touch. */
  const request = async (store: Store, sid: string) => {
    const sess = (await get(store, sid))!;
    sess.cookie.expires = new Date(Date.now() + 8 * 3600_000);
    await touch(store, sid, sess);
    return sess;
  };
  const expiryMs = async (sid: string) =>
    Number(
      (await pool.query(`SELECT extract(epoch FROM expire::timestamptz) * 1000 AS ms FROM http_session WHERE sid = $1`, [sid])).rows[0].ms,
    );
  const insert = (sid: string, expiresInMs: number) =>
    pool.query(`INSERT INTO http_session (sid, sess, expire) VALUES ($1, $2, to_timestamp($3 / 1000.0))`, [
      sid,
      {
        cookie: { originalMaxAge: 8 * 3600_000, expires: new Date(Date.now() + expiresInMs).toISOString(), httpOnly: true, path: '/' },
        passport: { user: 'u-1' },
      },
      Date.now() + expiresInMs,
    ]);

  beforeAll(async () => {
    stack = await startTestStack('sessionstore', {}, { mode });
    pool = new Pool({ connectionString: stack.databaseUrl, max: 4 });
    // The real pool, watched: every statement the store sends is noted.
    const query = pool.query.bind(pool) as (...a: unknown[]) => unknown;
    (pool as unknown as { query: (...a: unknown[]) => unknown }).query = (...args: unknown[]) => {
      if (typeof args[0] === 'string') statements.push(args[0].trim().split(/\s+/)[0].toUpperCase());
      return query(...args);
    };
  });
  beforeEach(() => (statements = []));
  afterAll(async () => {
    await pool?.end();
    await stack?.smtp.stop();
    await stack?.embedded?.stop();
  });

  it('twenty requests at once with an expiry an hour old: one read of the row and one write of the new expiry', async () => {
    const store = createSessionStore(pool, new SessionCache(0));
    await insert('busy', 7 * 3600_000);
    statements = [];
    const before = await expiryMs('busy');
    const seen = await Promise.all(Array.from({ length: 20 }, () => request(store, 'busy')));
    expect(statements.filter((s) => s === 'SELECT')).toHaveLength(1 + 1); // the store's read and expiryMs above
    expect(statements.filter((s) => s === 'UPDATE')).toHaveLength(1);
    expect((await expiryMs('busy')) - before).toBeGreaterThan(55 * 60_000);
    // Each request got its own copy of the session (express-session changes it in place).
    seen[0].cookie.path = '/anders';
    expect(seen[1].cookie.path).toBe('/');

    // The next twenty requests read the row again (the cache is off here) and find the expiry fresh: no write.
    statements = [];
    await Promise.all(Array.from({ length: 20 }, () => request(store, 'busy')));
    expect(statements).toEqual(['SELECT']);
  });

  it('an expiry moved back in the database (another process, a test) is written again by the next request', async () => {
    const store = createSessionStore(pool, new SessionCache(0));
    await insert('moved', 8 * 3600_000);
    await request(store, 'moved');
    statements = [];
    await request(store, 'moved');
    expect(statements).toEqual(['SELECT']);
    await pool.query(`UPDATE http_session SET expire = expire - interval '10 minutes' WHERE sid = 'moved'`);
    statements = [];
    await request(store, 'moved');
    expect(statements).toEqual(['SELECT', 'UPDATE']);
  });

  it('with the session cache on, the requests that miss it together share one read; a destroyed session is gone', async () => {
    const cache = new SessionCache(60_000);
    const store = createSessionStore(pool, cache);
    await insert('cached', 8 * 3600_000);
    statements = [];
    await Promise.all(Array.from({ length: 20 }, () => request(store, 'cached')));
    await Promise.all(Array.from({ length: 20 }, () => request(store, 'cached')));
    expect(statements).toEqual(['SELECT']);

    await new Promise<void>((res, rej) => store.destroy('cached', (err?: unknown) => (err ? rej(asError(err)) : res())));
    await expect(get(store, 'cached')).resolves.toBeNull();
  });
});
