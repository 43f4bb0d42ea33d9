import { auditActionLabel, AUDIT_ACTIONS } from '../../../src/admin/office-format.util';
import { barChartSvg } from '../../../src/common/bar-chart.util';
import { toCsv } from '../../../src/common/csv.util';
import { SIZE_CLASSES, sizeClassOf } from '../../../src/municipalities/size-class.util';

describe('office format helpers', () => {
  it('puts every population into exactly one size class, with the BBSR borders at 5,000, 10,000 and 20,000', () => {
    expect([0, 4999, 5000, 9999, 10000, 19999, 20000, 250000].map((p) => sizeClassOf(p).key)).toEqual([
      'unter-5000',
      'unter-5000',
      'kleine-kleinstadt',
      'kleine-kleinstadt',
      'groessere-kleinstadt',
      'groessere-kleinstadt',
      'ab-20000',
      'ab-20000',
    ]);
    expect(new Set(SIZE_CLASSES.map((c) => c.key)).size).toBe(SIZE_CLASSES.length);
  });

  it('writes CSV for German Excel: BOM, `;`, CRLF, quotes where needed, umlauts untouched, formulas defused', () => {
    const csv = toCsv(
      ['Kommune', 'Notiz', 'Zahl'],
      [
        ['Brunsbüttel', 'a;b', 12],
        ['Großräschen', 'sagt "hallo"\nzweite Zeile', -3],
        ['=HYPERLINK("x")', null, 1.5],
        [new Date('2026-03-04T10:00:00Z'), '', 0],
      ],
    );
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(Buffer.from(csv, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(csv.slice(1).split('\r\n')).toEqual([
      'Kommune;Notiz;Zahl',
      'Brunsbüttel;"a;b";12',
      'Großräschen;"sagt ""hallo""\nzweite Zeile";-3',
      `"'=HYPERLINK(""x"")";;1.5`,
      '2026-03-04;;0',
      '',
    ]);
  });

  it('defuses formula starts in full-width and other compatibility forms (NFKC of the first character), not plain numbers', () => {
    const cell = (v: string) =>
      toCsv(['x'], [[v]])
        .slice(1)
        .split('\r\n')[1];
    // ASCII, full-width, small and super-/subscript forms of = + - @, the minus sign, tab and CR.
    for (const start of ['=', '+', '-', '@', '＝', '＋', '－', '＠', '﹦', '﹢', '﹣', '﹫', '⁼', '₊', '⁻', '−', '\t'])
      expect(cell(`${start}HYPERLINK(1)`)).toBe(`'${start}HYPERLINK(1)`);
    expect(cell('\rcmd')).toBe(`"'\rcmd"`);
    expect(cell('＝1+1')).toBe(`'＝1+1`);
    expect(cell('－5')).toBe(`'－5`); // a full-width number is no number to a spreadsheet that reads it as text
    // Data stays as it is: numbers, text starting elsewhere, full-width letters and digits.
    for (const v of ['-5', '3,5', '-0.25', 'Seelow', 'Ａｂｃ', '１２', '(1)', '#1', 'a=b']) expect(cell(v)).toBe(v);
    expect(cell('')).toBe('');
  });

  it('labels every known audit action in German and never shows a raw code for unknown ones', () => {
    for (const a of AUDIT_ACTIONS) expect(a.label).not.toMatch(/[._]|^[a-z]+$/);
    expect(auditActionLabel('tandem.approve')).toBe('Tandem freigegeben');
    expect(auditActionLabel('tandem.something_new')).toBe('Änderung an einem Tandem');
    expect(auditActionLabel('workshop.created')).toBe('Werkstatt als Entwurf angelegt');
    expect(auditActionLabel('elsewhere.unknown')).toBe('Sonstige Änderung');
  });

  it('draws an accessible SVG bar chart: titled, summarised, bars proportional, text escaped', () => {
    const svg = barChartSvg(
      'Kommunen <je> Land',
      [
        { name: 'A', color: '#111' },
        { name: 'B', color: '#222' },
      ],
      [
        { label: 'Baden-Württemberg & Co', values: [10, 5] },
        { label: 'Sachsen', values: [0, 2] },
      ],
    );
    expect(svg).toMatch(/^<svg [^>]*role="img" aria-labelledby="chart-kommunen-je-land-t chart-kommunen-je-land-d"/);
    expect(svg).toContain('<title id="chart-kommunen-je-land-t">Kommunen &lt;je&gt; Land</title>');
    expect(svg).toContain('Baden-Württemberg &amp; Co: A 10, B 5; Sachsen: A 0, B 2');
    // The first rect at x=180 is the legend swatch of series A; then the bars, row by row.
    const widths = [...svg.matchAll(/<rect x="180" y="\d+" width="(\d+)"/g)].map((m) => Number(m[1])).slice(1);
    expect(widths).toEqual([190, 95, 0, 38]);
  });
});
