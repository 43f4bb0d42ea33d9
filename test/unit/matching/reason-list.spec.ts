import fc from 'fast-check';
import { reasonList, reasonListLines, sharesOf } from '../../../src/matching/core/reason-list.util';
import type { ScoreComponent } from '../../../src/matching/core/matching-input.types';
import { buildContext, reasonLine, scorePair } from '../../../src/matching/core/score.util';
import { DEFAULT_WEIGHTS } from '../../../src/matching/core/weights';
import { townsArb } from './town.factory';

const c = (key: ScoreComponent['key'], value: number, reason: string, extra: Partial<ScoreComponent> = {}): ScoreComponent => ({
  key,
  weight: 0.2,
  similarity: value / 0.2,
  value,
  reason,
  ...extra,
});

describe('"Warum passt …?" as a list: one line per criterion with its share, strongest first, topic on top (issue 30)', () => {
  it('orders by contribution, gives whole percentages of the whole score, and names the topic', () => {
    const list = reasonList(
      [
        c('size', 0.1, 'Beide ca. 10.000 Einwohner'),
        c('sharedTopics', 0.3, 'Gemeinsame Themen: Leerstand'),
        c('distance', 0, ''),
        c('otherState', 0.1, 'anderes Bundesland (Hessen)'),
      ],
      'town',
      'Leerstand',
    );
    expect(list).toEqual({
      topic: 'Leerstand',
      items: [
        { key: 'sharedTopics', label: 'Gemeinsame Themen', text: 'Gemeinsame Themen: Leerstand', percent: 60 },
        { key: 'size', label: 'Größe', text: 'Beide ca. 10.000 Einwohner', percent: 20 },
        { key: 'otherState', label: 'Bundesland', text: 'anderes Bundesland (Hessen)', percent: 20 },
      ],
    });
    expect(reasonListLines(list)).toEqual([
      'Tandem-Thema: Leerstand',
      '– Gemeinsame Themen: Leerstand (60 %)',
      '– Beide ca. 10.000 Einwohner (20 %)',
      '– anderes Bundesland (Hessen) (20 %)',
    ]);
  });

  it('reads the office and the network texts where asked; a reason the reader may not see is left out, its share stays out of the others', () => {
    const comps = [
      c('complement', 0.2, 'Ihre Herausforderung Leerstand ↔ deren Erfahrung mit Leerstand', {
        reasonOffice: 'A hat …',
        reasonNetwork: '',
      }),
      c('size', 0.2, 'ähnlich groß', { reasonOffice: 'A und B ähnlich groß', reasonNetwork: 'ähnlich groß (beide)' }),
    ];
    expect(reasonList(comps, 'office').items.map((i) => i.text)).toEqual(['A hat …', 'A und B ähnlich groß']);
    const network = reasonList(comps, 'network');
    expect(network.items).toEqual([{ key: 'size', label: 'Größe', text: 'ähnlich groß (beide)', percent: 50 }]);
    expect(reasonList([], 'town', '')).toEqual({ topic: null, items: [] });
    expect(reasonList(undefined)).toEqual({ topic: null, items: [] });
  });

  it('shares always add up to 100 over the contributing criteria, and a criterion that adds nothing has 0 %', () => {
    expect(sharesOf([1, 1, 1])).toEqual([34, 33, 33]);
    expect(sharesOf([0, 0])).toEqual([0, 0]);
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 }), (values) => {
        const shares = sharesOf(values);
        const sum = shares.reduce((s, v) => s + v, 0);
        expect(sum).toBe(values.some((v) => v > 0) ? 100 : 0);
        values.forEach((v, i) => v <= 0 && expect(shares[i]).toBe(0));
      }),
    );
  });

  it('for scored pairs: the same reasons as the one-line form, in the same order, one per line', () => {
    fc.assert(
      fc.property(townsArb(2, 2), ([a, b]) => {
        const ctx = buildContext([a, b], DEFAULT_WEIGHTS);
        const { components } = scorePair(ctx, a, b, true);
        for (const p of ['town', 'office'] as const) {
          expect(
            reasonList(components, p)
              .items.map((i) => i.text)
              .join(' · '),
          ).toBe(reasonLine(components, p));
        }
      }),
      { numRuns: 200 },
    );
  });
});
