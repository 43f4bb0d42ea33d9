import { readFileSync } from 'node:fs';
import {
  BUNDLED_DIRECTORY_FILE,
  buildDirectoryFile,
  formatDirectoryFile,
  parseDirectoryFile,
} from '../../../src/municipalities/directory/bundled-directory.util';
import { DirectoryFormatError, DirectoryRecord, readWorkbook, STATES } from '../../../src/municipalities/directory/destatis-parser.util';
import { DESTATIS_XLSX } from '../../utils/test-env';

const text = readFileSync(BUNDLED_DIRECTORY_FILE, 'utf8');

describe('the bundled directory file (committed)', () => {
  const { stand, attribution, records } = parseDirectoryFile(text);

  it('holds every municipality once: over 10,000, in all 16 Länder, unique 8-digit AGS in order', () => {
    expect(stand).toBe('2023-12-31');
    expect(records.length).toBeGreaterThanOrEqual(10_000);
    expect(records).toHaveLength(10773); // Satzart 60 without the unincorporated areas (shared/data/destatis/README.md)
    expect(new Set(records.map((r) => r.ags)).size).toBe(records.length);
    expect(records.every((r) => /^\d{8}$/.test(r.ags) && /^\d{12}$/.test(r.ars))).toBe(true);
    expect([...new Set(records.map((r) => r.stateCode))].sort()).toEqual(Object.keys(STATES).sort());
    // AGS = Land+RB+Kreis+Gemeinde of the ARS; the Land is the first two digits, named as the parser names it.
    expect(records.filter((r) => r.ags !== r.ars.slice(0, 5) + r.ars.slice(9))).toEqual([]);
    expect(records.filter((r) => r.stateCode !== r.ags.slice(0, 2) || r.stateName !== STATES[r.stateCode])).toEqual([]);
    expect(records.filter((r) => r.population >= 5000 && r.population < 20000)).toHaveLength(2280);
  });

  it('carries the facts the service uses, with nulls where the extract has none', () => {
    const penkun = records.find((r) => r.ags === '13075107');
    expect(penkun).toEqual<DirectoryRecord>({
      ags: '13075107',
      ars: '130755556107',
      name: 'Penkun',
      nameRaw: 'Penkun, Stadt',
      typeCode: 63,
      stateCode: '13',
      stateName: 'Mecklenburg-Vorpommern',
      districtName: 'Vorpommern-Greifswald',
      associationName: 'Löcknitz-Penkun',
      associationType: 51,
      associationPopulation: 10615,
      population: 1756,
      areaKm2: 78.87,
      latitude: 53.297789,
      longitude: 14.23566,
      postcode: '17328',
      degurba: 3,
    });
    expect(records.find((r) => r.ags === '01001000')).toMatchObject({ name: 'Flensburg', associationName: null, associationType: null });
  });

  it('names its source, licence and the command that regenerates it', () => {
    expect(text).toContain(
      '# Quelle: Statistisches Bundesamt (Destatis), Gemeindeverzeichnis-Informationssystem GV-ISys, Stand 31.12.2023\n',
    );
    expect(text).toContain('# Lizenz: Datenlizenz Deutschland – Namensnennung – Version 2.0, https://www.govdata.de/dl-de/by-2-0\n');
    expect(text).toContain('npm run directory:build -- <path-to-xlsx>');
    expect(attribution).toBe(
      'Quelle: Statistisches Bundesamt (Destatis), Gemeindeverzeichnis-Informationssystem GV-ISys, Stand 31.12.2023; ' +
        'Lizenz: Datenlizenz Deutschland – Namensnennung – Version 2.0, https://www.govdata.de/dl-de/by-2-0',
    );
  });

  it('is byte for byte what the build command makes of the official xlsx', async () => {
    expect(buildDirectoryFile(await readWorkbook(DESTATIS_XLSX)) === text).toBe(true);
  });

  it('reads back into the same file (every number keeps its exact value)', () => {
    expect(formatDirectoryFile(records, stand) === text).toBe(true);
  });
});

describe('formatDirectoryFile / parseDirectoryFile', () => {
  const rec = (ags: string, over: Partial<DirectoryRecord> = {}): DirectoryRecord => ({
    ags,
    ars: `${ags.slice(0, 5)}0000${ags.slice(5)}`,
    name: 'Musterstadt',
    nameRaw: 'Musterstadt, Stadt',
    typeCode: 63,
    stateCode: ags.slice(0, 2),
    stateName: STATES[ags.slice(0, 2)],
    districtName: null,
    associationName: null,
    associationType: null,
    associationPopulation: null,
    population: 5000,
    areaKm2: 0.1 + 0.2, // 0.30000000000000004 must come back as itself
    latitude: null,
    longitude: -0.5,
    postcode: null,
    degurba: null,
    ...over,
  });

  it('sorts by AGS and reads back what it wrote, nulls included', () => {
    const input = [rec('14521450'), rec('01051011', { districtName: 'Dithmarschen', degurba: 2 })];
    const out = formatDirectoryFile(input, '2024-06-30');
    expect(
      out
        .split('\n')
        .filter((l) => /^\d{8}\t/.test(l))
        .map((l) => l.slice(0, 8)),
    ).toEqual(['01051011', '14521450']);
    expect(out).toContain('Stand 30.06.2024');
    const back = parseDirectoryFile(out);
    expect(back.stand).toBe('2024-06-30');
    expect(back.records).toEqual([input[1], input[0]]);
    expect(formatDirectoryFile([...input].reverse(), '2024-06-30')).toBe(out);
  });

  it('refuses values it could not read back', () => {
    expect(() => formatDirectoryFile([rec('14521450', { name: 'Tab\there' })], '2024-06-30')).toThrow(DirectoryFormatError);
    expect(() => formatDirectoryFile([rec('14521450', { districtName: '' })], '2024-06-30')).toThrow(/districtName of 14521450/);
    expect(() => formatDirectoryFile([rec('14521450', { population: null as unknown as number })], '2024-06-30')).toThrow(/missing/);
  });

  it('rejects a damaged file', () => {
    const good = formatDirectoryFile([rec('01051011'), rec('14521450')], '2024-06-30');
    const lines = good.slice(0, -1).split('\n'); // without the final line break (trimEnd would cut trailing empty fields)
    expect(() => parseDirectoryFile(lines.slice(0, -1).join('\n'))).toThrow('The file announces 2 rows but holds 1');
    expect(() => parseDirectoryFile([...lines.slice(0, -2), lines[lines.length - 1], lines[lines.length - 2]].join('\n'))).toThrow(
      /out of order/,
    );
    expect(() => parseDirectoryFile(good.replace('\t5000\t', '\tfünf\t'))).toThrow('Not a number: population on line 1');
    expect(() => parseDirectoryFile(good.replace('\tpostcode\t', '\tplz\t'))).toThrow(/Unexpected columns/);
    expect(() => parseDirectoryFile('ags\tname\n')).toThrow(/Not a bundled directory file/);
  });
});
