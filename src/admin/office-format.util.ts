// Pure helpers for the office's workspace: size classes, German labels for audit actions, CSV and SVG bar charts.
// No Nest or database imports, so they are unit-tested alone.
import { AUDIT_ACTION_DE, AUDIT_SUBJECT_DE, auditActionLabel } from '../audit/audit-actions';

export interface SizeClass {
  key: string;
  label: string;
  short: string; // table headers
  min: number;
  max: number | null; // exclusive; null = open
}

/** BBSR's split of small towns (kleine / größere Kleinstadt), plus the places below and above. */
export const SIZE_CLASSES: readonly SizeClass[] = [
  { key: 'unter-5000', label: 'unter 5.000 Einwohner', short: 'unter 5.000', min: 0, max: 5000 },
  { key: 'kleine-kleinstadt', label: 'kleine Kleinstadt (5.000 bis 9.999)', short: '5.000 bis 9.999', min: 5000, max: 10000 },
  { key: 'groessere-kleinstadt', label: 'größere Kleinstadt (10.000 bis 19.999)', short: '10.000 bis 19.999', min: 10000, max: 20000 },
  { key: 'ab-20000', label: '20.000 Einwohner und mehr', short: 'ab 20.000', min: 20000, max: null },
];

export function sizeClassOf(population: number): SizeClass {
  return SIZE_CLASSES.find((c) => population >= c.min && (c.max === null || population < c.max)) ?? SIZE_CLASSES[0];
}

export const TOWN_STATUS_DE: Record<string, string> = { pending: 'wartet auf Prüfung', verified: 'bestätigt', rejected: 'abgelehnt' };
export const VISIBILITY_DE: Record<string, string> = { public: 'öffentlich', network: 'für das Netzwerk', office: 'nur Geschäftsstelle' };

/** The actions the audit filter offers, in a stable order (the central list in src/audit/audit-actions.ts). */
export const AUDIT_ACTIONS = Object.entries(AUDIT_ACTION_DE).map(([value, label]) => ({ value, label }));
export { auditActionLabel, AUDIT_SUBJECT_DE };

/**
 * Whether a cell would start a formula in a spreadsheet: its first character is `= + - @`, a tab or CR, also in a
 * full-width or other compatibility form (`＝`, `﹢`, `＠`, …: NFKC of the first character) or the minus sign `−`.
 * Plain numbers (`-5`, `3,5`) are data, not formulas.
 */
function startsFormula(s: string): boolean {
  const first = s.codePointAt(0);
  if (first === undefined) return false;
  const c = String.fromCodePoint(first).normalize('NFKC');
  if (!/^[=+\-@\t\r\u2212]/.test(c)) return false;
  return !/^-?\d+([.,]\d+)?$/.test(s);
}

/** One CSV field for German Excel: `;` separated, quoted where needed, formula starts defused. */
export type CsvValue = string | number | boolean | Date | null | undefined;
function csvField(v: CsvValue): string {
  let s = v === null || v === undefined ? '' : v instanceof Date ? v.toISOString().slice(0, 10) : String(v);
  if (startsFormula(s)) s = `'${s}`;
  return /[";\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** UTF-8 with BOM (so Excel shows umlauts), `;` between fields, CRLF between lines. */
export function toCsv(header: string[], rows: CsvValue[][]): string {
  return '\uFEFF' + [header, ...rows].map((r) => r.map(csvField).join(';')).join('\r\n') + '\r\n';
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export interface BarSeries {
  name: string;
  color: string;
}
export interface BarRow {
  label: string;
  values: number[]; // one per series
}

/**
 * A horizontal bar chart as an SVG string: role="img" with a title and a text summary, scaled to its box so it
 * shrinks on phones. The numbers themselves sit in the table beside it, which screen readers use instead.
 */
export function barChartSvg(title: string, series: BarSeries[], rows: BarRow[]): string {
  const labelW = 180;
  const barW = 190;
  const barH = 14;
  const gap = 6;
  const rowH = series.length * barH + gap + 4;
  const legendH = series.length > 1 ? 24 : 0;
  const height = legendH + rows.length * rowH + 4;
  const width = labelW + barW + 40;
  const max = Math.max(1, ...rows.flatMap((r) => r.values));
  const id = `chart-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  const summary = rows
    .map((r) => `${r.label}: ${r.values.map((v, i) => (series.length > 1 ? `${series[i].name} ${v}` : `${v}`)).join(', ')}`)
    .join('; ');
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${id}-t ${id}-d">`,
    `<title id="${id}-t">${esc(title)}</title><desc id="${id}-d">${esc(summary)}</desc>`,
  ];
  series.forEach((s, i) => {
    if (series.length < 2) return;
    const x = labelW + i * 110;
    parts.push(
      `<rect x="${x}" y="4" width="12" height="12" fill="${s.color}"/><text x="${x + 16}" y="14" font-size="12" fill="#1b1f24">${esc(s.name)}</text>`,
    );
  });
  rows.forEach((r, ri) => {
    const y = legendH + ri * rowH;
    const short = r.label.length > 28 ? `${r.label.slice(0, 27)}…` : r.label;
    parts.push(
      `<text x="${labelW - 6}" y="${y + (series.length * barH) / 2 + 4}" font-size="12" text-anchor="end" fill="#1b1f24">${esc(short)}</text>`,
    );
    r.values.forEach((v, si) => {
      const w = Math.round((v / max) * barW);
      const by = y + si * barH;
      parts.push(`<rect x="${labelW}" y="${by}" width="${w}" height="${barH - 2}" fill="${series[si].color}"/>`);
      parts.push(`<text x="${labelW + w + 4}" y="${by + barH - 3}" font-size="11" fill="#1b1f24">${v}</text>`);
    });
  });
  parts.push('</svg>');
  return parts.join('');
}
