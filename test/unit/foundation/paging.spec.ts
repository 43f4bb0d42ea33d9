import { pageOf, pager } from '../../../src/common/paging.util';

describe('pageOf / pager', () => {
  it('cuts a list into pages and clamps what a hand-edited address asks for', () => {
    expect(pageOf(60, 1, 25)).toMatchObject({ page: 1, pages: 3, offset: 0, from: 1, to: 25 });
    expect(pageOf(60, '3', 25)).toMatchObject({ page: 3, offset: 50, from: 51, to: 60 });
    expect(pageOf(60, 99, 25).page).toBe(3);
    for (const bad of ['abc', '-2', '0', '1.5', undefined, '']) expect(pageOf(60, bad, 25).page).toBe(1);
    expect(pageOf(0, 4, 25)).toMatchObject({ page: 1, pages: 1, from: 0, to: 0 });
  });

  it('links the neighbours, and shows no pager for a single page', () => {
    const href = (n: number) => `/liste?seite=${n}`;
    expect(pager(pageOf(60, 2, 25), href, 'Tandems', 'Seiten')).toMatchObject({ prevHref: '/liste?seite=1', nextHref: '/liste?seite=3' });
    expect(pager(pageOf(60, 1, 25), href, 'Tandems', 'Seiten')!.prevHref).toBeNull();
    expect(pager(pageOf(20, 1, 25), href, 'Tandems', 'Seiten')).toBeNull();
  });
});
