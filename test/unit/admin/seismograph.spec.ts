import {
  chartTopics,
  lineChartSvg,
  needsExamples,
  parseQuarter,
  quarterKey,
  quarterLabel,
  quarterWindow,
  seismograph,
  shortQuarterLabel,
  sortTopics,
  trendOf,
  type SeismoCount,
} from '../../../src/admin/seismograph.util';

const byName = (a: string, b: string) => a.localeCompare(b, 'de');
const TOPICS = [
  { slug: 'leerstand', name: 'Leerstand' },
  { slug: 'mobilitaet', name: 'Mobilität' },
  { slug: 'wohnen', name: 'Wohnen' },
  { slug: 'klima', name: 'Klimaschutz' },
];
const c = (topic: string, quarter: string, kind: SeismoCount['kind'], n: number): SeismoCount => ({ topic, quarter, kind, n });

describe('Seismograph: quarters', () => {
  it('takes the quarter in German time: New Year’s Eve 23:30 UTC is already the next year’s first quarter in Berlin', () => {
    expect(quarterKey(new Date('2025-12-31T23:30:00Z'))).toBe('2026-Q1');
    expect(quarterKey(new Date('2025-12-31T22:30:00Z'))).toBe('2025-Q4');
    expect(quarterKey(new Date('2025-06-30T21:59:00Z'))).toBe('2025-Q2');
    expect(quarterKey(new Date('2025-06-30T22:00:00Z'))).toBe('2025-Q3');
  });

  it('counts back over year borders, oldest first, and labels in German', () => {
    expect(quarterWindow('2026-Q2', 4)).toEqual(['2025-Q3', '2025-Q4', '2026-Q1', '2026-Q2']);
    expect(quarterWindow('2025-Q1', 1)).toEqual(['2025-Q1']);
    expect(quarterLabel('2025-Q3')).toBe('3. Quartal 2025');
    expect(shortQuarterLabel('2025-Q3')).toBe('Q3 2025');
  });

  it('accepts only "YYYY-Qn" with n from 1 to 4', () => {
    expect(parseQuarter('2025-Q4')).toBe('2025-Q4');
    for (const bad of ['2025-Q5', '2025-Q0', '2025Q1', '25-Q1', '2025-q1', ' 2025-Q1', '2025-Q1; DROP'])
      expect(parseQuarter(bad)).toBeNull();
  });
});

describe('Seismograph: trend and need', () => {
  it('compares the last quarter with the one before', () => {
    expect(trendOf([0, 5, 1, 3])).toBe('rising');
    expect(trendOf([9, 3, 2])).toBe('falling');
    expect(trendOf([1, 4, 4])).toBe('steady');
    expect(trendOf([7])).toBe('steady');
  });

  it('needs examples from two towns on, while examples are fewer than half of them', () => {
    expect(needsExamples(1, 0)).toBe(false);
    expect(needsExamples(2, 0)).toBe(true);
    expect(needsExamples(4, 1)).toBe(true);
    expect(needsExamples(4, 2)).toBe(false);
    expect(needsExamples(0, 0)).toBe(false);
  });
});

describe('Seismograph: aggregation', () => {
  const quarters = quarterWindow('2025-Q4', 4); // 2025-Q1 … 2025-Q4
  const counts: SeismoCount[] = [
    c('leerstand', '2024-Q2', 'challenge', 2), // before the window: in the total only
    c('leerstand', '2025-Q3', 'challenge', 1),
    c('leerstand', '2025-Q4', 'challenge', 3),
    c('leerstand', '2025-Q4', 'interest', 1),
    c('leerstand', '2025-Q2', 'example', 1),
    c('mobilitaet', '2025-Q3', 'challenge', 4),
    c('mobilitaet', '2025-Q4', 'challenge', 1),
    c('mobilitaet', '2025-Q1', 'example', 1),
    c('mobilitaet', '2025-Q4', 'example', 2),
    c('mobilitaet', '2026-Q1', 'challenge', 9), // after the window's end: not counted at all
    c('wohnen', '2025-Q4', 'interest', 2),
    c('unbekannt', '2025-Q4', 'challenge', 5), // no such topic: ignored
  ];
  const rows = seismograph(counts, TOPICS, quarters);
  const of = (slug: string) => rows.find((r) => r.slug === slug)!;

  it('spreads the counts over the window and totals them up to its end', () => {
    expect(of('leerstand').series).toEqual({ challenge: [0, 0, 1, 3], interest: [0, 0, 0, 1], example: [0, 1, 0, 0] });
    expect(of('leerstand').total).toEqual({ challenge: 6, interest: 1, example: 1 });
    expect(of('mobilitaet').series.challenge).toEqual([0, 0, 4, 1]);
    expect(of('mobilitaet').total).toEqual({ challenge: 5, interest: 0, example: 3 });
  });

  it('leaves out topics without anything and unknown topics, in the topics’ order', () => {
    expect(rows.map((r) => r.slug)).toEqual(['leerstand', 'mobilitaet', 'wohnen']);
  });

  it('gives trends, the last change and the need per topic', () => {
    expect(of('leerstand').trend).toEqual({ challenge: 'rising', interest: 'rising', example: 'steady' });
    expect(of('leerstand').change).toBe(2);
    expect(of('leerstand').needsExamples).toBe(true); // 6 towns, 1 example
    expect(of('mobilitaet').trend).toEqual({ challenge: 'falling', interest: 'steady', example: 'rising' });
    expect(of('mobilitaet').change).toBe(-3);
    expect(of('mobilitaet').needsExamples).toBe(false); // 5 towns, 3 examples
    expect(of('wohnen').needsExamples).toBe(false);
  });

  it('sorts by need, rise, count or name', () => {
    expect(sortTopics(rows, 'need', byName).map((r) => r.slug)).toEqual(['leerstand', 'mobilitaet', 'wohnen']);
    expect(sortTopics(rows, 'rising', byName).map((r) => r.slug)).toEqual(['leerstand', 'wohnen', 'mobilitaet']);
    expect(sortTopics(rows, 'challenges', byName).map((r) => r.slug)).toEqual(['leerstand', 'mobilitaet', 'wohnen']);
    expect(sortTopics(rows, 'name', byName).map((r) => r.name)).toEqual(['Leerstand', 'Mobilität', 'Wohnen']);
  });

  it('charts the topics with most new challenges in the window, none without', () => {
    expect(chartTopics(rows, 5, byName).map((r) => r.slug)).toEqual(['mobilitaet', 'leerstand']);
    expect(chartTopics(rows, 1, byName).map((r) => r.slug)).toEqual(['mobilitaet']);
  });
});

describe('Seismograph: line chart', () => {
  const svg = lineChartSvg(
    'Neu genannte Herausforderungen <Test>',
    ['Q1 2025', 'Q2 2025', 'Q3 2025'],
    [
      { name: 'Leerstand & Co', values: [0, 2, 7] },
      { name: 'Mobilität', values: [1, 1, 0] },
    ],
  );

  it('is an image with a title and a text summary of every value, escaped', () => {
    expect(svg).toMatch(/^<svg [^>]*role="img" aria-labelledby="(chart-[a-z0-9-]+)-t \1-d"/);
    expect(svg).toContain('<title id="chart-neu-genannte-herausforderungen-test--t">Neu genannte Herausforderungen &lt;Test&gt;</title>');
    expect(svg).toContain('Leerstand &amp; Co: Q1 2025 0, Q2 2025 2, Q3 2025 7; Mobilität: Q1 2025 1, Q2 2025 1, Q3 2025 0');
    expect(svg).not.toContain('<Test>');
  });

  it('draws one line per series with its own dash, marks every point, and puts the highest value at the top', () => {
    const lines = [...svg.matchAll(/<polyline points="([^"]+)"[^>]*?( stroke-dasharray="[^"]+")?\/>/g)];
    expect(lines).toHaveLength(2);
    expect(lines[0][2]).toBeUndefined();
    expect(lines[1][2]).toBeDefined();
    const ys = lines[0][1].split(' ').map((p) => Number(p.split(',')[1]));
    expect(ys[2]).toBeLessThan(ys[1]); // 7 above 2
    expect(ys[1]).toBeLessThan(ys[0]); // 2 above 0
    // Gridlines at 0, 2, 4, 6, 8 (steps of 2 up to the next step above 7).
    expect([...svg.matchAll(/text-anchor="end" fill="#1b1f24">(\d+)</g)].map((m) => m[1])).toEqual(['0', '2', '4', '6', '8']);
  });

  it('says so when there is nothing to draw', () => {
    expect(lineChartSvg('Leer', ['Q1 2025'], [])).toContain('Keine Werte im gewählten Zeitraum.');
  });
});
