import type ExcelJS from 'exceljs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../common/paths';
import { DirectoryFormatError, DirectoryRecord, parseDestatis, referenceDate } from './destatis-parser.util';

/**
 * The directory shipped with the code (the official xlsx may not be committed): one line per municipality, tab-separated,
 * sorted by AGS, so a newer extract shows up as a readable line diff. Read from the repository folder, not dist/
 * (the compiler copies no data files).
 */
export const BUNDLED_DIRECTORY_FILE = join(REPO_ROOT, 'src', 'municipalities', 'directory', 'bundled', 'municipalities.tsv');
const DIRECTORY_BUILD_COMMAND = 'npm run build && npm run directory:build -- <path-to-xlsx>';
const LICENCE = 'Datenlizenz Deutschland – Namensnennung – Version 2.0, https://www.govdata.de/dl-de/by-2-0';

type Kind = 'text' | 'text?' | 'int' | 'int?' | 'num' | 'num?';
// The order of the file's columns; every field of a record, so loading needs no lookups.
const COLUMNS: ReadonlyArray<readonly [keyof DirectoryRecord, Kind]> = [
  ['ags', 'text'],
  ['ars', 'text'],
  ['name', 'text'],
  ['nameRaw', 'text'],
  ['typeCode', 'int'],
  ['stateCode', 'text'],
  ['stateName', 'text'],
  ['districtName', 'text?'],
  ['associationName', 'text?'],
  ['associationType', 'int?'],
  ['associationPopulation', 'int?'],
  ['population', 'int'],
  ['areaKm2', 'num'],
  ['latitude', 'num?'],
  ['longitude', 'num?'],
  ['postcode', 'text?'],
  ['degurba', 'int?'],
];

export interface BundledDirectory {
  /** Reference date of the extract, YYYY-MM-DD. */
  stand: string;
  /** Source and licence, to be named wherever the data is shown or logged. */
  attribution: string;
  records: DirectoryRecord[];
}

/** The `source` the bundled rows carry in the table: an import (`destatis`) is told apart from them. */
export const bundledSource = (stand: string): string => `bundled:${stand}`;

const germanDate = (iso: string) => iso.split('-').reverse().join('.');
const attributionFor = (stand: string): string =>
  `Quelle: Statistisches Bundesamt (Destatis), Gemeindeverzeichnis-Informationssystem GV-ISys, Stand ${germanDate(stand)}; Lizenz: ${LICENCE}`;

/** The file's text for these records: deterministic (sorted by AGS, one fixed number format), so a rebuild is identical. */
export function formatDirectoryFile(records: readonly DirectoryRecord[], stand: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(stand)) throw new DirectoryFormatError(`Reference date '${stand}' is not YYYY-MM-DD`);
  const sorted = [...records].sort((a, b) => (a.ags < b.ags ? -1 : a.ags > b.ags ? 1 : 0));
  const [quelle, lizenz] = attributionFor(stand).split('; ');
  const lines = [
    '# Kleinstadt-Tandem: the official municipality directory, derived from the Destatis GV-ISys extract. Do not edit by hand.',
    `# ${quelle}`,
    `# ${lizenz}`,
    `# Regenerate from the official xlsx: ${DIRECTORY_BUILD_COMMAND}`,
    `# Stand: ${stand}`,
    `# Rows: ${sorted.length} (one municipality per line, sorted by AGS; tab-separated, UTF-8; an empty field is null)`,
    COLUMNS.map(([f]) => f).join('\t'),
  ];
  for (const r of sorted) lines.push(COLUMNS.map(([f, kind]) => field(r, f, kind)).join('\t'));
  return `${lines.join('\n')}\n`;
}

function field(r: DirectoryRecord, f: keyof DirectoryRecord, kind: Kind): string {
  const v = r[f];
  if (v == null) {
    if (!kind.endsWith('?')) throw new DirectoryFormatError(`${f} of ${r.ags} is missing`);
    return '';
  }
  const s = String(v); // a JavaScript number's shortest form reads back as the same number
  // An empty text would read back as null, a tab or line break would break the line.
  if (s === '' || /[\t\r\n]/.test(s)) throw new DirectoryFormatError(`${f} of ${r.ags} cannot be written: ${JSON.stringify(s)}`);
  return s;
}

const meta = (text: string, key: string) => new RegExp(`^# ${key}: (.*)$`, 'm').exec(text)?.[1] ?? '';

/** The file's reference date from its header alone (a warm start needs no more to see that it is loaded). */
export function directoryFileStand(text: string): string {
  const stand = meta(text, 'Stand');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(stand)) throw new DirectoryFormatError('Not a bundled directory file: the line "# Stand: …" is missing');
  return stand;
}

/** Reads the file's text back into records, checking its layout, every value and the row count. Pure. */
export function parseDirectoryFile(text: string): BundledDirectory {
  const stand = directoryFileStand(text);
  const rows = Number(/^\d+/.exec(meta(text, 'Rows'))?.[0]);
  if (!Number.isInteger(rows)) throw new DirectoryFormatError('Not a bundled directory file: the line "# Rows: …" is missing');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const body = lines.filter((l) => !l.startsWith('#'));
  const expected = COLUMNS.map(([f]) => f).join('\t');
  if (body[0] !== expected) throw new DirectoryFormatError(`Unexpected columns: ${body[0] ?? '(none)'}`);
  const records: DirectoryRecord[] = [];
  for (let i = 1; i < body.length; i++) {
    const values = body[i].split('\t');
    if (values.length !== COLUMNS.length) throw new DirectoryFormatError(`Line ${i} has ${values.length} fields, not ${COLUMNS.length}`);
    const rec = {} as Record<keyof DirectoryRecord, string | number | null>;
    COLUMNS.forEach(([f, kind], j) => (rec[f] = value(values[j], kind, `${f} on line ${i}`)));
    const r = rec as unknown as DirectoryRecord;
    if (!/^\d{8}$/.test(r.ags)) throw new DirectoryFormatError(`Malformed AGS '${r.ags}' on line ${i}`);
    if (records.length && records[records.length - 1].ags >= r.ags)
      throw new DirectoryFormatError(`AGS ${r.ags} out of order on line ${i}`);
    records.push(r);
  }
  if (records.length !== rows) throw new DirectoryFormatError(`The file announces ${rows} rows but holds ${records.length}`);
  return { stand, attribution: attributionFor(stand), records };
}

function value(s: string, kind: Kind, where: string): string | number | null {
  if (s === '') {
    if (kind.endsWith('?')) return null;
    throw new DirectoryFormatError(`Missing ${where}`);
  }
  if (kind.startsWith('text')) return s;
  const n = Number(s);
  if (!Number.isFinite(n) || (kind.startsWith('int') && !Number.isInteger(n))) throw new DirectoryFormatError(`Not a number: ${where}`);
  return n;
}

/** The start's log line after a load: count, time and the attribution the licence asks for. */
export function describeBundledLoad(l: {
  total: number;
  inserted: number;
  updated: number;
  stand: string;
  attribution: string;
  ms: number;
}) {
  return (
    `Directory: ${l.total} municipalities (Stand ${l.stand}) loaded from the bundled file in ${(l.ms / 1000).toFixed(1)} s ` +
    `(${l.inserted} new, ${l.updated} updated). ${l.attribution}`
  );
}

/** What `npm run directory:build` writes for an official extract. */
export function buildDirectoryFile(wb: ExcelJS.Workbook): string {
  return formatDirectoryFile(parseDestatis(wb), referenceDate(wb));
}

export function readBundledDirectory(file = BUNDLED_DIRECTORY_FILE): BundledDirectory {
  return parseDirectoryFile(readDirectoryFile(file));
}

export const readDirectoryFile = (file = BUNDLED_DIRECTORY_FILE): string => readFileSync(file, 'utf8');
