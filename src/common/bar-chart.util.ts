// Server-rendered SVG charts (no JavaScript), shared by the office's pages; pure.

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
