// The office's Seismograph (issue 27): which topics and challenges rise or fall quarter by quarter, and where the
// network lacks published examples. Pure: counts in, series, trends and an SVG line chart out.
//
// What a quarter means: a town's challenge or topic counts in the quarter (Europe/Berlin) in which the town first named
// it in its profile and still names it today (the profile rows' created_at, carried over on profile saves);
// an example counts in the quarter of its first publication, with its current topics. Towns count once per topic.

type SeismoKind = 'challenge' | 'interest' | 'example';

/** One aggregate from the repository: `n` towns (or examples) of `kind` on `topic` new in `quarter` ("2025-Q3"). */
export interface SeismoCount {
  topic: string;
  quarter: string;
  kind: SeismoKind;
  n: number;
}

export type Trend = 'rising' | 'falling' | 'steady';
export const TREND_DE: Record<Trend, string> = { rising: 'steigend', falling: 'fallend', steady: 'gleich' };

const QUARTER = /^(\d{4})-Q([1-4])$/;

/** The quarter of an instant in German time, as "2025-Q3". */
export function quarterKey(d: Date): string {
  const [y, m] = d.toLocaleDateString('en-CA', { timeZone: 'Europe/Berlin' }).split('-').map(Number);
  return `${y}-Q${Math.floor((m - 1) / 3) + 1}`;
}

/** "2025-Q3" or null for anything else. */
export function parseQuarter(v: string): string | null {
  return QUARTER.test(v) ? v : null;
}

const shift = (key: string, by: number): string => {
  const [, y, q] = QUARTER.exec(key)!;
  const i = Number(y) * 4 + Number(q) - 1 + by;
  return `${Math.floor(i / 4)}-Q${(i % 4) + 1}`;
};

/** `n` quarters ending with `end`, oldest first. */
export function quarterWindow(end: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => shift(end, i - n + 1));
}

export function quarterLabel(key: string): string {
  const [, y, q] = QUARTER.exec(key)!;
  return `${q}. Quartal ${y}`;
}
export function shortQuarterLabel(key: string): string {
  const [, y, q] = QUARTER.exec(key)!;
  return `Q${q} ${y}`;
}

/** The last quarter against the one before: any difference counts. */
export function trendOf(series: readonly number[]): Trend {
  if (series.length < 2) return 'steady';
  const [prev, last] = series.slice(-2);
  return last > prev ? 'rising' : last < prev ? 'falling' : 'steady';
}

/** Two or more towns name the challenge and there are fewer than half as many published examples on the topic. */
const NEED_MIN_CHALLENGES = 2;
export function needsExamples(challenges: number, examples: number): boolean {
  return challenges >= NEED_MIN_CHALLENGES && examples * 2 < challenges;
}

export interface SeismoTopic {
  slug: string;
  name: string;
  /** New per quarter of the window, oldest first. */
  series: Record<SeismoKind, number[]>;
  /** Up to the end of the window, all time. */
  total: Record<SeismoKind, number>;
  trend: { challenge: Trend; interest: Trend; example: Trend };
  /** The last quarter's new challenges minus the quarter's before. */
  change: number;
  needsExamples: boolean;
}

const KINDS: readonly SeismoKind[] = ['challenge', 'interest', 'example'];

/**
 * Per topic: the new counts per quarter of the window, the totals up to its end, trends and whether examples are
 * needed. Topics with nothing up to the window's end are left out; the order is the topics' given order.
 */
export function seismograph(
  counts: readonly SeismoCount[],
  topics: readonly { slug: string; name: string }[],
  quarters: readonly string[],
): SeismoTopic[] {
  const end = quarters[quarters.length - 1];
  const at = new Map(quarters.map((q, i) => [q, i]));
  const byTopic = new Map<string, SeismoTopic>();
  for (const t of topics) {
    const zero = () => quarters.map(() => 0);
    byTopic.set(t.slug, {
      slug: t.slug,
      name: t.name,
      series: { challenge: zero(), interest: zero(), example: zero() },
      total: { challenge: 0, interest: 0, example: 0 },
      trend: { challenge: 'steady', interest: 'steady', example: 'steady' },
      change: 0,
      needsExamples: false,
    });
  }
  for (const c of counts) {
    const t = byTopic.get(c.topic);
    if (!t || c.quarter > end) continue;
    t.total[c.kind] += c.n;
    const i = at.get(c.quarter);
    if (i !== undefined) t.series[c.kind][i] += c.n;
  }
  const out: SeismoTopic[] = [];
  for (const t of byTopic.values()) {
    if (KINDS.every((k) => t.total[k] === 0)) continue;
    for (const k of KINDS) t.trend[k] = trendOf(t.series[k]);
    const s = t.series.challenge;
    t.change = s.length >= 2 ? s[s.length - 1] - s[s.length - 2] : 0;
    t.needsExamples = needsExamples(t.total.challenge, t.total.example);
    out.push(t);
  }
  return out;
}

export type SeismoSort = 'need' | 'rising' | 'challenges' | 'name';

/** The table's orders; German names via the office's list-sort choices. */
export function sortTopics(rows: readonly SeismoTopic[], by: SeismoSort, compareName: (a: string, b: string) => number): SeismoTopic[] {
  const name = (a: SeismoTopic, b: SeismoTopic) => compareName(a.name, b.name);
  const gap = (t: SeismoTopic) => t.total.challenge - t.total.example;
  const cmp: Record<SeismoSort, (a: SeismoTopic, b: SeismoTopic) => number> = {
    need: (a, b) =>
      Number(b.needsExamples) - Number(a.needsExamples) || gap(b) - gap(a) || b.total.challenge - a.total.challenge || name(a, b),
    rising: (a, b) => b.change - a.change || b.total.challenge - a.total.challenge || name(a, b),
    challenges: (a, b) => b.total.challenge - a.total.challenge || name(a, b),
    name,
  };
  return [...rows].sort(cmp[by]);
}

/** The topics for the chart: most new challenges in the window first, at most `n`, none without any. */
export function chartTopics(rows: readonly SeismoTopic[], n: number, compareName: (a: string, b: string) => number): SeismoTopic[] {
  const sum = (t: SeismoTopic) => t.series.challenge.reduce((a, b) => a + b, 0);
  return rows
    .filter((t) => sum(t) > 0)
    .sort((a, b) => sum(b) - sum(a) || compareName(a.name, b.name))
    .slice(0, n);
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Dark colours (contrast ≥ 4.5 on white) and a dash and marker each, so the lines differ without colour too. */
const LINE_STYLES = [
  { color: '#1f5f8b', dash: '', marker: 'circle' },
  { color: '#a4262c', dash: '6 3', marker: 'square' },
  { color: '#1e7b34', dash: '2 3', marker: 'triangle' },
  { color: '#6b3fa0', dash: '10 4', marker: 'diamond' },
  { color: '#7a4a00', dash: '6 3 2 3', marker: 'cross' },
] as const;
export const CHART_MAX_LINES = LINE_STYLES.length;

function marker(kind: (typeof LINE_STYLES)[number]['marker'], x: number, y: number, color: string): string {
  const r = 4;
  switch (kind) {
    case 'circle':
      return `<circle cx="${x}" cy="${y}" r="${r}" fill="${color}"/>`;
    case 'square':
      return `<rect x="${x - r}" y="${y - r}" width="${2 * r}" height="${2 * r}" fill="${color}"/>`;
    case 'triangle':
      return `<path d="M${x} ${y - r - 1}L${x + r + 1} ${y + r}L${x - r - 1} ${y + r}Z" fill="${color}"/>`;
    case 'diamond':
      return `<path d="M${x} ${y - r - 1}L${x + r + 1} ${y}L${x} ${y + r + 1}L${x - r - 1} ${y}Z" fill="${color}"/>`;
    default:
      return `<path d="M${x - r} ${y - r}L${x + r} ${y + r}M${x - r} ${y + r}L${x + r} ${y - r}" stroke="${color}" stroke-width="2"/>`;
  }
}

/** Gridline steps: 1, 2, 5, 10, … so that at most five lines are drawn. */
function tickStep(max: number): number {
  for (let p = 1; ; p *= 10) for (const m of [1, 2, 5]) if (max / (m * p) <= 5) return m * p;
}

export interface LineSeries {
  name: string;
  values: number[];
}

/**
 * A line chart of counts per quarter as an SVG string: role="img" with a title and a text summary (the numbers are
 * also in a table beside it), scaled to its box. One line per series with its own colour, dash and marker.
 */
export function lineChartSvg(title: string, quarterLabels: readonly string[], series: readonly LineSeries[]): string {
  const left = 40;
  const plotW = 560;
  const top = 12;
  const plotH = 200;
  const axisH = 28;
  const legendRow = 20;
  const width = left + plotW + 16;
  const height = top + plotH + axisH + series.length * legendRow + 8;
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const step = tickStep(max);
  const yMax = Math.ceil(max / step) * step;
  const n = quarterLabels.length;
  // Inset so the first and last quarter's labels stay inside the picture.
  const inset = 32;
  const x = (i: number) => Math.round(left + inset + (n > 1 ? (i * (plotW - 2 * inset)) / (n - 1) : plotW / 2 - inset));
  const y = (v: number) => Math.round(top + plotH - (v / yMax) * plotH);
  const id = `chart-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  const summary = series.length
    ? series.map((s) => `${s.name}: ${s.values.map((v, i) => `${quarterLabels[i]} ${v}`).join(', ')}`).join('; ')
    : 'Keine Werte im gewählten Zeitraum.';
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${id}-t ${id}-d">`,
    `<title id="${id}-t">${esc(title)}</title><desc id="${id}-d">${esc(summary)}</desc>`,
  ];
  for (let v = 0; v <= yMax; v += step) {
    parts.push(`<line x1="${left}" x2="${left + plotW}" y1="${y(v)}" y2="${y(v)}" stroke="#c9ced6" stroke-width="1"/>`);
    parts.push(`<text x="${left - 6}" y="${y(v) + 4}" font-size="11" text-anchor="end" fill="#1b1f24">${v}</text>`);
  }
  quarterLabels.forEach((l, i) =>
    parts.push(`<text x="${x(i)}" y="${top + plotH + 18}" font-size="11" text-anchor="middle" fill="#1b1f24">${esc(l)}</text>`),
  );
  series.forEach((s, si) => {
    const st = LINE_STYLES[si % LINE_STYLES.length];
    const pts = s.values.map((v, i) => `${x(i)},${y(v)}`).join(' ');
    parts.push(
      `<polyline points="${pts}" fill="none" stroke="${st.color}" stroke-width="2.5"${st.dash ? ` stroke-dasharray="${st.dash}"` : ''}/>`,
    );
    s.values.forEach((v, i) => parts.push(marker(st.marker, x(i), y(v), st.color)));
    const ly = top + plotH + axisH + si * legendRow + 10;
    parts.push(
      `<line x1="${left}" x2="${left + 28}" y1="${ly}" y2="${ly}" stroke="${st.color}" stroke-width="2.5"${st.dash ? ` stroke-dasharray="${st.dash}"` : ''}/>`,
      marker(st.marker, left + 14, ly, st.color),
      `<text x="${left + 36}" y="${ly + 4}" font-size="12" fill="#1b1f24">${esc(s.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}
