import { FENCE_MS, SessionCache } from '../../../src/auth/session-cache';
import type { SessionUser } from '../../../src/auth/session-user';

const user = (id: string): SessionUser => ({ id, email: `${id}@example.test`, role: 'town_contact', displayName: 'Kontakt', townId: 't1' });
const sess = (userId: string) => ({ cookie: { expires: '2030-01-01T00:00:00.000Z' }, passport: { user: userId } });

describe('SessionCache', () => {
  let now: number;
  let cache: SessionCache;
  beforeEach(() => {
    now = 1_000_000;
    cache = new SessionCache(2000, () => now);
  });

  it('serves a session and a user until the TTL ends, then reads again', () => {
    cache.putSession('s1', sess('u1'), now + 3_600_000);
    cache.putUser(user('u1'));
    now += 1999;
    expect(cache.getSession('s1')?.sess).toEqual(sess('u1'));
    expect(cache.getUser('u1')).toEqual(user('u1'));
    now += 1;
    expect(cache.getSession('s1')).toBeUndefined();
    expect(cache.getUser('u1')).toBeUndefined();
  });

  it('hands out a fresh copy on every hit (express-session mutates what the store returns)', () => {
    cache.putSession('s1', sess('u1'), now + 3_600_000);
    const first = cache.getSession('s1')!.sess as ReturnType<typeof sess>;
    first.passport.user = 'someone-else';
    expect((cache.getSession('s1')!.sess as ReturnType<typeof sess>).passport.user).toBe('u1');
  });

  it('never serves a session past its stored expiry', () => {
    cache.putSession('s1', sess('u1'), now + 500);
    now += 501;
    expect(cache.getSession('s1')).toBeUndefined();
  });

  it('a destroyed session is gone at once and not cached again by a read that raced with the logout', () => {
    cache.putSession('s1', sess('u1'), now + 3_600_000);
    cache.dropSession('s1');
    expect(cache.getSession('s1')).toBeUndefined();
    // A read that started before the DELETE committed finishes afterwards: it must not put the session back.
    cache.putSession('s1', sess('u1'), now + 3_600_000);
    expect(cache.getSession('s1')).toBeUndefined();
    now += FENCE_MS + 1;
    cache.putSession('s1', sess('u1'), now + 3_600_000);
    expect(cache.getSession('s1')).toBeDefined();
  });

  it("ending a user's sessions drops the user and every cached session of that user, and fences them", () => {
    cache.putSession('s1', sess('u1'), now + 3_600_000);
    cache.putSession('s2', sess('u1'), now + 3_600_000);
    cache.putSession('s3', sess('u2'), now + 3_600_000);
    cache.putUser(user('u1'));
    cache.dropUsers(['u1']);
    expect(cache.getSession('s1')).toBeUndefined();
    expect(cache.getSession('s2')).toBeUndefined();
    expect(cache.getSession('s3')).toBeDefined();
    expect(cache.getUser('u1')).toBeUndefined();
    // Racing reads of the old state stay out of the cache while the change commits.
    cache.putUser(user('u1'));
    cache.putSession('s4', sess('u1'), now + 3_600_000);
    expect(cache.getUser('u1')).toBeUndefined();
    expect(cache.getSession('s4')).toBeUndefined();
  });

  it('caches nothing when the TTL is 0', () => {
    const off = new SessionCache(0, () => now);
    off.putSession('s1', sess('u1'), now + 3_600_000);
    off.putUser(user('u1'));
    expect(off.getSession('s1')).toBeUndefined();
    expect(off.getUser('u1')).toBeUndefined();
  });
});
