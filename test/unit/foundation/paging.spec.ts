import { pageOf, pager, readCountedPage } from '../../../src/common/paging.util';

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

  it('readCountedPage reads the asked page with its total once; a page past the end again, as the last page', async () => {
    const reads: number[] = [];
    const read = (offset: number) => {
      reads.push(offset);
      return Promise.resolve({ total: 60, rows: offset < 60 ? [offset] : [] });
    };
    expect(await readCountedPage(2, 25, read)).toMatchObject({ p: { page: 2, offset: 25, total: 60 }, read: { rows: [25] } });
    expect(reads).toEqual([25]);
    reads.length = 0;
    expect(await readCountedPage('9', 25, read)).toMatchObject({ p: { page: 3, offset: 50 }, read: { rows: [50] } });
    expect(reads).toEqual([200, 50]);
    reads.length = 0;
    expect(await readCountedPage('abc', 25, read)).toMatchObject({ p: { page: 1, offset: 0 } });
    expect(reads).toEqual([0]);
  });
});
