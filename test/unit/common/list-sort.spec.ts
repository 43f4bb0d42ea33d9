import { pickSort, sortOptions, sortQuery, TANDEM_SORTS, TOWN_SORTS, WORKSHOP_SORTS } from '../../../src/common/list-sort.util';

describe('server-side sorting of the office lists (?sortierung=, issue 30)', () => {
  it('the first order is the default; a known value picks its order; anything else is unknown (null → 400)', () => {
    expect(pickSort(TOWN_SORTS, undefined)).toBe(TOWN_SORTS[0]);
    expect(pickSort(TOWN_SORTS, '')).toBe(TOWN_SORTS[0]);
    expect(pickSort(TOWN_SORTS, 'einwohner')?.orderBy).toBe('m.population DESC, m.name, t.ags');
    expect(pickSort(TOWN_SORTS, ['bundesland', 'name'])?.value).toBe('bundesland');
    expect(pickSort(TOWN_SORTS, 'm.name; DROP TABLE town')).toBeNull();
    expect(pickSort(TOWN_SORTS, 'EINWOHNER')).toBeNull();
    expect(pickSort(TOWN_SORTS, { a: 1 })).toBeNull();
  });

  it('the select marks the chosen order; links keep a non-default order only', () => {
    const chosen = pickSort(WORKSHOP_SORTS, 'titel')!;
    expect(sortOptions(WORKSHOP_SORTS, chosen).filter((o) => o.selected)).toEqual([
      { value: 'titel', label: 'Titel (A–Z)', selected: true },
    ]);
    expect(sortQuery(WORKSHOP_SORTS, chosen)).toBe('sortierung=titel&');
    expect(sortQuery(WORKSHOP_SORTS, WORKSHOP_SORTS[0])).toBe('');
  });

  it.each([
    ['towns', TOWN_SORTS, /t\.ags$/],
    ['tandems', TANDEM_SORTS, /\bid (ASC|DESC)$/],
    ['workshops', WORKSHOP_SORTS, /w\.id$/],
  ])('every order of the %s ends with a unique key (pages never overlap) and has a distinct value and label', (_, sorts, unique) => {
    for (const s of sorts) expect(s.orderBy).toMatch(unique);
    expect(new Set(sorts.map((s) => s.value)).size).toBe(sorts.length);
    expect(new Set(sorts.map((s) => s.label)).size).toBe(sorts.length);
    for (const s of sorts) expect(s.value).toMatch(/^[a-z-]+$/);
  });
});
