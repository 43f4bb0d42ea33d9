import { PageCache } from '../../../src/security/page-cache';

describe('PageCache (issue 29: signed-in answers kept until the data changes)', () => {
  let now = 0;
  const clock = { now: () => now };
  const fresh = (maxBytes = 1 << 20) => new PageCache(maxBytes, 60_000, clock);
  const TOKEN = 'aa11.bb22';
  const page = `<h1>Freigaben für Zwönitz</h1><form><input name="_csrf" value="${TOKEN}"></form><form><input name="_csrf" value="${TOKEN}"></form>`;

  beforeEach(() => (now = 1_000));

  it('answers only at the version the page was rendered at', () => {
    const cache = fresh();
    const key = PageCache.key('sid-1', '/tandems');
    cache.put(key, '7', '<p>Tandems</p>', 'text/html; charset=utf-8', undefined);
    expect(cache.get(key, '7', () => 'unused')).toEqual({
      body: Buffer.from('<p>Tandems</p>'),
      type: 'text/html; charset=utf-8',
    });
    expect(cache.get(key, '8', () => 'unused')).toBeUndefined();
    expect(cache.get(PageCache.key('sid-2', '/tandems'), '7', () => 'unused')).toBeUndefined();
    expect(cache.get(PageCache.key('sid-1', '/tandems?seite=2'), '7', () => 'unused')).toBeUndefined();
  });

  it("puts each request's own CSRF token where the rendering request's was, and asks for one only then", () => {
    const cache = fresh();
    const key = PageCache.key('sid-1', '/geschaeftsstelle/tandems/freigaben');
    cache.put(key, '1', page, 'text/html', TOKEN);
    const asked: string[] = [];
    const hit = cache.get(key, '1', () => (asked.push('x'), 'cc33.dd44'));
    expect(hit?.body.toString()).toBe(page.split(TOKEN).join('cc33.dd44'));
    expect(asked).toHaveLength(1);

    cache.put(PageCache.key('sid-1', '/tandems'), '1', '<p>ohne Formular</p>', 'text/html', TOKEN);
    cache.get(PageCache.key('sid-1', '/tandems'), '1', () => (asked.push('y'), 'never'));
    expect(asked).toHaveLength(1);
  });

  it("keeps an API read's JSON as it was sent and forgets everything after the time limit", () => {
    const cache = fresh();
    const json = JSON.stringify({ items: [{ id: 'a', name: 'Zwönitz' }], total: 1 });
    cache.put('k', '3', json, 'application/json; charset=utf-8', undefined);
    expect(cache.get('k', '3', () => '')).toEqual({ body: Buffer.from(json), type: 'application/json; charset=utf-8' });
    now += 59_000;
    expect(cache.get('k', '3', () => '')).toBeDefined();
    now += 2_000;
    expect(cache.get('k', '3', () => '')).toBeUndefined();
  });

  it('stays within its size by dropping the least recently used pages, and keeps nothing when off', () => {
    const cache = fresh(64 * 1024);
    const big = 'ä'.repeat(10_000); // 20 KB as UTF-8
    for (let i = 0; i < 5; i++) cache.put(`k${i}`, '1', big, 'text/html', undefined);
    const kept = [0, 1, 2, 3, 4].filter((i) => cache.get(`k${i}`, '1', () => '') !== undefined);
    expect(kept).toEqual([2, 3, 4]);

    const off = new PageCache(0, 60_000, clock);
    off.put('k', '1', 'x', 'text/html', undefined);
    expect(off.enabled).toBe(false);
    expect(off.get('k', '1', () => '')).toBeUndefined();
  });
});
