// CSV for German Excel, shared by every export (office lists, Methodenkoffer); pure.

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
