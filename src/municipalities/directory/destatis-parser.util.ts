import ExcelJS from 'exceljs';

/** One municipality from the Destatis GV-ISys extract, in the shape of the `municipality` table. */
export interface DirectoryRecord {
  ags: string;
  ars: string;
  name: string;
  nameRaw: string;
  typeCode: number;
  stateCode: string;
  stateName: string;
  districtName: string | null;
  associationName: string | null;
  associationType: number | null;
  associationPopulation: number | null;
  population: number;
  areaKm2: number;
  latitude: number | null;
  longitude: number | null;
  postcode: string | null;
  degurba: number | null;
}

export class DirectoryFormatError extends Error {
  override name = 'DirectoryFormatError';
}

export const STATES: Record<string, string> = {
  '01': 'Schleswig-Holstein',
  '02': 'Hamburg',
  '03': 'Niedersachsen',
  '04': 'Bremen',
  '05': 'Nordrhein-Westfalen',
  '06': 'Hessen',
  '07': 'Rheinland-Pfalz',
  '08': 'Baden-Württemberg',
  '09': 'Bayern',
  '10': 'Saarland',
  '11': 'Berlin',
  '12': 'Brandenburg',
  '13': 'Mecklenburg-Vorpommern',
  '14': 'Sachsen',
  '15': 'Sachsen-Anhalt',
  '16': 'Thüringen',
};

const SHEET_PREFIX = 'Onlineprodukt_Gemeinden';
// Column indexes of the official layout (0-based, see shared/data/destatis/README.md).
const C = {
  satzart: 0,
  type: 1,
  land: 2,
  rb: 3,
  kreis: 4,
  vb: 5,
  gem: 6,
  name: 7,
  area: 8,
  pop: 9,
  plz: 13,
  lon: 14,
  lat: 15,
  degurba: 18,
};
const EXPECTED_HEADER: Array<[number, RegExp]> = [
  [C.satzart, /^Satz-?art$/],
  [C.land, /^Land$/],
  [C.rb, /^RB$/],
  [C.kreis, /^Kreis$/],
  [C.vb, /^VB$/],
  [C.gem, /^Gem$/],
  [C.name, /^Gemeindename$/],
];

// Kreise of the Sorbian settlement area, where the official name carries the Sorbian/Wendish name after a slash.
const SORBIAN_KREISE = new Set(['12052', '12061', '12066', '12071', '14625', '14626']);
// Slash qualifiers that belong to the German name there ("Neukirch/Lausitz", "Reichenbach/O.L.").
const GERMAN_QUALIFIER = /^(Spree|Spreewald|Oberspreewald|Lausitz|O\.L\.|Elster|Elbe|Oder|Havel|Mark|Neiße)$/;

/**
 * The searchable German name: everything after the first comma is a title ("Penkun, Stadt", "Binz, Ostseebad",
 * "Gelnhausen, Barbarossastadt, Kreisstadt"). With `kreisKey` (Land+RB+Kreis) a Sorbian double name is cut to
 * its German part ("Großräschen/Rań" → "Großräschen", "Bautzen / Budyšin" → "Bautzen"); the raw name keeps both.
 */
export function cleanName(raw: string, kreisKey?: string): string {
  let name = raw.split(',')[0].replace(/\s+/g, ' ').trim();
  if (kreisKey && SORBIAN_KREISE.has(kreisKey)) {
    const spaced = name.indexOf(' / ');
    if (spaced > 0) name = name.slice(0, spaced);
    else if (kreisKey.startsWith('12')) {
      // In Brandenburg the official spelling has no spaces: "Drebkau/Drjowk"; Saxony uses " / ".
      const slash = name.indexOf('/');
      if (slash > 0 && !GERMAN_QUALIFIER.test(name.slice(slash + 1).trim())) name = name.slice(0, slash);
    }
  }
  return name.trim() || raw.trim();
}

const text = (v: ExcelJS.CellValue | undefined): string => {
  if (v == null) return '';
  if (typeof v === 'object' && 'richText' in v)
    return v.richText
      .map((t) => t.text)
      .join('')
      .trim();
  if (typeof v === 'object' && 'result' in v) return scalar(v.result).trim();
  return scalar(v).trim();
};
// Formula errors and other non-scalar cells read as empty (never as "[object Object]").
const scalar = (v: unknown): string =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : v instanceof Date ? v.toISOString() : '';
const num = (s: string): number | null => {
  const t = s.replace(/\s/g, '').replace(',', '.');
  if (t === '') return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
};
// Key parts are text in the official file; a copy re-saved by a spreadsheet may have turned "01" into 1.
const KEY_WIDTH: Record<number, number> = { [C.land]: 2, [C.rb]: 1, [C.kreis]: 2, [C.vb]: 4, [C.gem]: 3 };
const cell = (v: ExcelJS.CellValue | undefined, i: number): string =>
  typeof v === 'number' && KEY_WIDTH[i] && Number.isInteger(v) ? String(v).padStart(KEY_WIDTH[i], '0') : text(v);

export async function readWorkbook(source: string | Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  try {
    if (typeof source === 'string') await wb.xlsx.readFile(source);
    else await wb.xlsx.load(source as never);
  } catch (err) {
    throw new DirectoryFormatError(`Not a readable xlsx file: ${(err as Error).message}`);
  }
  return wb;
}

const NOT_GV = 'Not a Destatis GV-ISys municipality extract';

/** The extract's reference date (Stand) as YYYY-MM-DD, from its sheet name ("Onlineprodukt_Gemeinden31122023"). */
export function referenceDate(wb: ExcelJS.Workbook): string {
  const sheet = wb.worksheets.find((w) => w.name.startsWith(SHEET_PREFIX));
  const m = sheet && /(\d{2})(\d{2})(\d{4})$/.exec(sheet.name);
  if (!m) throw new DirectoryFormatError(`${NOT_GV}: no reference date in a sheet name '${SHEET_PREFIX}DDMMYYYY'`);
  return `${m[3]}-${m[2]}-${m[1]}`;
}

/** Parses the whole extract first (all or nothing): any malformed municipality row rejects the file. Pure: no I/O. */
export function parseDestatis(wb: ExcelJS.Workbook): DirectoryRecord[] {
  const ws = wb.worksheets.find((w) => w.name.startsWith(SHEET_PREFIX));
  if (!ws) {
    throw new DirectoryFormatError(
      `${NOT_GV}: sheet '${SHEET_PREFIX}…' not found (sheets: ${wb.worksheets.map((w) => w.name).join(', ') || 'none'})`,
    );
  }
  const rows: Array<{ no: number; c: string[] }> = [];
  ws.eachRow({ includeEmpty: false }, (row, no) => {
    const values = row.values as ExcelJS.CellValue[];
    rows.push({ no, c: Array.from({ length: 20 }, (_, i) => cell(values[i + 1], i)) });
  });
  const header = rows.findIndex((r) => r.c[C.land] === 'Land' && r.c[C.gem] === 'Gem');
  if (header < 0 || !EXPECTED_HEADER.every(([i, re]) => re.test(rows[header].c[i]))) {
    throw new DirectoryFormatError(`${NOT_GV}: header columns Satzart, Land, RB, Kreis, VB, Gem, Gemeindename not found`);
  }

  const districts = new Map<string, string>();
  const associations = new Map<string, { name: string; type: number }>();
  const records: DirectoryRecord[] = [];
  for (const { no, c: r } of rows.slice(header + 1)) {
    const satzart = r[C.satzart];
    if (!/^\d{2}$/.test(satzart)) continue; // repeated header lines, footnotes and the copyright block
    const kreisKey = r[C.land] + r[C.rb] + r[C.kreis];
    if (satzart === '40') districts.set(kreisKey, r[C.name]);
    if (satzart === '50') associations.set(kreisKey + r[C.vb], { name: r[C.name], type: Number(r[C.type]) });
    if (satzart !== '60') continue;
    const type = Number(r[C.type]);
    if (type === 65 || type === 66) continue; // unincorporated areas are not municipalities
    const ags = r[C.land] + r[C.rb] + r[C.kreis] + r[C.gem];
    const ars = r[C.land] + r[C.rb] + r[C.kreis] + r[C.vb] + r[C.gem];
    const where = `row ${no}${r[C.name] ? ` (${r[C.name]})` : ''}`;
    if (!/^\d{8}$/.test(ags) || !STATES[r[C.land]]) throw new DirectoryFormatError(`Malformed AGS '${ags}' at ${where}`);
    if (!/^\d{12}$/.test(ars)) throw new DirectoryFormatError(`Malformed ARS '${ars}' at ${where}`);
    if (!r[C.name]) throw new DirectoryFormatError(`Missing municipality name at ${where}`);
    if (!(type >= 60 && type <= 67)) throw new DirectoryFormatError(`Unknown municipality type '${r[C.type]}' at ${where}`);
    const population = num(r[C.pop]);
    const area = num(r[C.area]);
    if (population == null || !Number.isInteger(population) || population < 0)
      throw new DirectoryFormatError(`Population is not a number at ${where}`);
    if (area == null || area < 0) throw new DirectoryFormatError(`Area is not a number at ${where}`);
    const assoc = associations.get(kreisKey + r[C.vb]);
    // Type 50 is "verbandsfrei": the municipality is its own level, no Gemeindeverband.
    const inAssociation = !!assoc && assoc.type !== 50;
    const degurba = num(r[C.degurba]);
    records.push({
      ags,
      ars,
      name: cleanName(r[C.name], kreisKey),
      nameRaw: r[C.name],
      typeCode: type,
      stateCode: r[C.land],
      stateName: STATES[r[C.land]],
      districtName: districts.get(kreisKey) ?? null,
      associationName: inAssociation ? cleanName(assoc.name) : null,
      associationType: inAssociation ? assoc.type : null,
      associationPopulation: null,
      population,
      areaKm2: area,
      latitude: num(r[C.lat]),
      longitude: num(r[C.lon]),
      postcode: /^\d{5}$/.test(r[C.plz]) ? r[C.plz] : null,
      degurba: degurba && degurba >= 1 && degurba <= 3 ? degurba : null,
    });
  }
  if (!records.length) throw new DirectoryFormatError(`${NOT_GV}: no municipality rows (Satzart 60) found`);
  const seen = new Set<string>();
  for (const rec of records) {
    if (seen.has(rec.ags)) throw new DirectoryFormatError(`Duplicate AGS ${rec.ags} (${rec.nameRaw})`);
    seen.add(rec.ags);
  }
  // Gemeindeverband population: the sum over its member municipalities (Land+RB+Kreis+Verband = first 9 ARS digits).
  const sums = new Map<string, number>();
  for (const rec of records) if (rec.associationName) sums.set(rec.ars.slice(0, 9), (sums.get(rec.ars.slice(0, 9)) ?? 0) + rec.population);
  for (const rec of records) if (rec.associationName) rec.associationPopulation = sums.get(rec.ars.slice(0, 9))!;
  return records;
}
