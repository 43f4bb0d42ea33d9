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

export class DirectoryFormatError extends Error {}

export const STATES: Record<string, string> = {
  '01': 'Schleswig-Holstein', '02': 'Hamburg', '03': 'Niedersachsen', '04': 'Bremen', '05': 'Nordrhein-Westfalen',
  '06': 'Hessen', '07': 'Rheinland-Pfalz', '08': 'Baden-Württemberg', '09': 'Bayern', '10': 'Saarland', '11': 'Berlin',
  '12': 'Brandenburg', '13': 'Mecklenburg-Vorpommern', '14': 'Sachsen', '15': 'Sachsen-Anhalt', '16': 'Thüringen',
};

const SHEET_PREFIX = 'Onlineprodukt_Gemeinden';
// Column indexes of the official layout (0-based, see shared/data/destatis/README.md).
const C = { satzart: 0, type: 1, land: 2, rb: 3, kreis: 4, vb: 5, gem: 6, name: 7, area: 8, pop: 9, plz: 13, lon: 14, lat: 15, degurba: 18 };
const EXPECTED_HEADER: Array<[number, RegExp]> = [[C.satzart, /^Satz-?art$/], [C.land, /^Land$/], [C.rb, /^RB$/], [C.kreis, /^Kreis$/], [C.vb, /^VB$/], [C.gem, /^Gem$/], [C.name, /^Gemeindename$/]];

/** "Penkun, Stadt" → "Penkun"; "Großräschen/Rań, Stadt" → "Großräschen/Rań" (the official double name stays). */
export function cleanName(raw: string): string {
  return raw.replace(/,\s*(Stadt|St|M|GKSt|Hansestadt|Landeshauptstadt|Universitätsstadt|Kreisstadt|Große Kreisstadt|Markt|Flecken|Gemeinde|Klingenstadt|Bergstadt|Kurort|Stadt\s.*)$/u, '').trim();
}

const text = (v: ExcelJS.CellValue | undefined): string => {
  if (v == null) return '';
  if (typeof v === 'object' && 'richText' in v) return v.richText.map((t) => t.text).join('').trim();
  if (typeof v === 'object' && 'result' in v) return String(v.result ?? '').trim();
  return String(v).trim();
};
const num = (v: ExcelJS.CellValue | undefined): number | null => {
  const s = text(v).replace(/\s/g, '').replace(',', '.');
  if (s === '') return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
};

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

/** Parses the whole extract first (all or nothing): any malformed municipality row rejects the file. */
export function parseDestatis(wb: ExcelJS.Workbook): DirectoryRecord[] {
  const ws = wb.worksheets.find((w) => w.name.startsWith(SHEET_PREFIX));
  if (!ws) {
    throw new DirectoryFormatError(`Not a Destatis GV-ISys municipality extract: no sheet named '${SHEET_PREFIX}…' (found: ${wb.worksheets.map((w) => w.name).join(', ') || 'none'})`);
  }
  const rows: string[][] = [];
  ws.eachRow({ includeEmpty: false }, (row) => {
    const values = row.values as ExcelJS.CellValue[];
    rows.push(Array.from({ length: 20 }, (_, i) => text(values[i + 1])));
  });
  const header = rows.findIndex((r) => r[C.land] === 'Land' && r[C.gem] === 'Gem');
  if (header < 0 || !EXPECTED_HEADER.every(([i, re]) => re.test(rows[header][i]))) {
    throw new DirectoryFormatError('Not a Destatis GV-ISys municipality extract: header columns Satzart, Land, RB, Kreis, VB, Gem, Gemeindename not found');
  }

  const districts = new Map<string, string>();
  const associations = new Map<string, { name: string; type: number }>();
  const records: DirectoryRecord[] = [];
  for (let i = header + 1; i < rows.length; i++) {
    const r = rows[i];
    const satzart = r[C.satzart];
    if (!/^\d{2}$/.test(satzart)) continue; // footnotes and blank lines below the table
    const kreisKey = r[C.land] + r[C.rb] + r[C.kreis];
    if (satzart === '40') districts.set(kreisKey, r[C.name]);
    if (satzart === '50') associations.set(kreisKey + r[C.vb], { name: r[C.name], type: Number(r[C.type]) });
    if (satzart !== '60') continue;
    const type = Number(r[C.type]);
    if (type === 65 || type === 66) continue; // unincorporated areas are not municipalities
    const ags = r[C.land] + r[C.rb] + r[C.kreis] + r[C.gem];
    const ars = r[C.land] + r[C.rb] + r[C.kreis] + r[C.vb] + r[C.gem];
    const rowNo = i + 1;
    if (!/^\d{8}$/.test(ags) || !/^\d{12}$/.test(ars) || !STATES[r[C.land]]) {
      throw new DirectoryFormatError(`Row ${rowNo}: malformed official key (AGS '${ags}', ARS '${ars}')`);
    }
    const population = num(r[C.pop]);
    const area = num(r[C.area]);
    if (population == null || population < 0 || area == null || area < 0) {
      throw new DirectoryFormatError(`Row ${rowNo} (${r[C.name]}): population or area is not a number`);
    }
    const assoc = associations.get(kreisKey + r[C.vb]);
    // Type 50 is "verbandsfrei": the municipality is its own level, no Gemeindeverband.
    const inAssociation = assoc && assoc.type !== 50;
    const degurba = num(r[C.degurba]);
    records.push({
      ags, ars, name: cleanName(r[C.name]), nameRaw: r[C.name], typeCode: type, stateCode: r[C.land], stateName: STATES[r[C.land]],
      districtName: districts.get(kreisKey) ?? null,
      associationName: inAssociation ? assoc.name : null,
      associationType: inAssociation ? assoc.type : null,
      associationPopulation: null,
      population, areaKm2: area,
      latitude: num(r[C.lat]), longitude: num(r[C.lon]),
      postcode: /^\d{5}$/.test(r[C.plz]) ? r[C.plz] : null,
      degurba: degurba && degurba >= 1 && degurba <= 3 ? degurba : null,
    });
  }
  if (!records.length) throw new DirectoryFormatError('Not a Destatis GV-ISys municipality extract: no municipality rows (Satzart 60) found');
  const seen = new Set<string>();
  for (const rec of records) {
    if (seen.has(rec.ags)) throw new DirectoryFormatError(`Duplicate AGS ${rec.ags} (${rec.nameRaw})`);
    seen.add(rec.ags);
  }
  // Gemeindeverband population: the sum over its member municipalities.
  const sums = new Map<string, number>();
  for (const rec of records) if (rec.associationName) sums.set(rec.ars.slice(0, 9), (sums.get(rec.ars.slice(0, 9)) ?? 0) + rec.population);
  for (const rec of records) if (rec.associationName) rec.associationPopulation = sums.get(rec.ars.slice(0, 9))!;
  return records;
}
