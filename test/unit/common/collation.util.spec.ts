import { compareGerman, germanCollator } from '../../../src/common/collation.util';

describe('compareGerman', () => {
  const names = [
    'Ortsentwicklung',
    'Ärztliche Versorgung',
    'Zuzug',
    'Öffentlicher Nahverkehr',
    'Abwasser',
    'ehrenamt',
    'Ehrenamt',
    'Übergänge',
  ];

  it('sorts exactly like localeCompare(…, "de")', () => {
    expect([...names].sort(compareGerman)).toEqual([...names].sort((a, b) => a.localeCompare(b, 'de')));
  });

  it('puts umlauts beside their base letter, not after "Z"', () => {
    const sorted = [...names].sort(compareGerman);
    expect(sorted.indexOf('Ärztliche Versorgung')).toBeLessThan(sorted.indexOf('Ehrenamt'));
    expect(sorted.indexOf('Öffentlicher Nahverkehr')).toBeLessThan(sorted.indexOf('Ortsentwicklung'));
    expect(sorted[sorted.length - 1]).toBe('Zuzug');
  });

  it('is one shared collator', () => {
    expect(germanCollator.resolvedOptions().locale).toMatch(/^de/);
    expect(compareGerman('a', 'b')).toBeLessThan(0);
    expect(compareGerman('b', 'a')).toBeGreaterThan(0);
    expect(compareGerman('a', 'a')).toBe(0);
  });
});
