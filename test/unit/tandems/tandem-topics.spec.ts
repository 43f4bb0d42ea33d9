import { pairTopicChoices } from '../../../src/tandems/tandem-topics.util';

describe('pairTopicChoices (the result form’s topics)', () => {
  const active = { mobilitaet: 'Mobilität', energie: 'Energie', ehrenamt: 'Ehrenamt', digital: 'Digitalisierung' };

  it('lists the active topics either town names, shared ones first, each group in topic order', () => {
    const a = new Set(['digital', 'energie', 'retired']);
    const b = new Set(['ehrenamt', 'digital', 'mobilitaet']);
    expect(pairTopicChoices(a, b, active)).toEqual([
      { slug: 'digital', name: 'Digitalisierung', shared: true },
      { slug: 'mobilitaet', name: 'Mobilität', shared: false },
      { slug: 'energie', name: 'Energie', shared: false },
      { slug: 'ehrenamt', name: 'Ehrenamt', shared: false },
    ]);
  });

  it('is empty when neither town names a topic the viewer may see', () => {
    expect(pairTopicChoices(undefined, new Set(), active)).toEqual([]);
  });
});
