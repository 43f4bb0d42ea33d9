import ExcelJS from 'exceljs';
import {
  cleanName,
  DirectoryFormatError,
  parseDestatis,
  readWorkbook,
  referenceDate,
} from '../../../src/municipalities/directory/destatis-parser.util';

// A tiny extract in the official layout: title, blank line, three header lines, then the records.
type Row = Array<string | number | null>;
const HEADER: Row[] = [
  ['Gemeinden in Deutschland nach Fläche, Bevölkerung und Postleitzahl am 31.12.2023 (Jahr)'],
  [],
  [
    'Satz-art',
    'Text-kenn-zeichen',
    'Amtlicher Regionalschlüssel (ARS)',
    'Amtlicher Regionalschlüssel (ARS)',
    'Amtlicher Regionalschlüssel (ARS)',
    'Amtlicher Regionalschlüssel (ARS)',
    'Amtlicher Regionalschlüssel (ARS)',
    'Gemeindename',
    'Fläche km2 1)',
    'Bevölkerung2)',
  ],
  [
    'Satz-art',
    'Text-kenn-zeichen',
    'Land',
    'RB',
    'Kreis',
    'VB',
    'Gem',
    'Gemeindename',
    'Fläche km2 1)',
    'insgesamt',
    'männlich',
    'weiblich',
    'je km2',
    'Postleit-zahl3)',
    'Längengrad',
    'Breitengrad',
    'Schlüssel',
    'Bezeichnung',
    'Schlüssel',
    'Bezeichnung',
  ],
  ['Satz-art', 'Text-kenn-zeichen', 'Gebietsstand am 31.12.2023 (Jahr)'],
  [],
];
// [satzart, type, land, rb, kreis, vb, gem, name, area, population, m, f, per km², plz, lon, lat, travel key, travel name, degurba, degurba name]
const muni = (
  type: string,
  land: string,
  rb: string,
  kreis: string,
  vb: string,
  gem: string,
  name: string,
  area: number,
  pop: number,
  plz = '17328',
  degurba = '03',
): Row => [
  '60',
  type,
  land,
  rb,
  kreis,
  vb,
  gem,
  name,
  area,
  pop,
  null,
  null,
  null,
  plz,
  '14,23566',
  '53,297789',
  'X',
  'Reisegebiet',
  degurba,
  'gering besiedelt',
];
const BODY: Row[] = [
  ['10', null, '13', null, null, null, null, 'Mecklenburg-Vorpommern'],
  ['40', '44', '13', '0', '75', null, null, 'Vorpommern-Greifswald'],
  ['50', '51', '13', '0', '75', '5556', null, 'Löcknitz-Penkun'],
  muni('64', '13', '0', '75', '5556', '079', 'Löcknitz', 68.1, 3000),
  muni('63', '13', '0', '75', '5556', '107', 'Penkun, Stadt', 78.87, 1756),
  muni('66', '13', '0', '75', '5556', '999', 'Gemeindefreies Gebiet', 3, 0),
  ['50', '50', '13', '0', '75', '0001', null, 'Anklam, Hansestadt'],
  muni('63', '13', '0', '75', '0001', '005', 'Anklam, Hansestadt', 56.6, 12300, '17389', '02'),
  ['10', null, '12', null, null, null, null, 'Brandenburg'],
  ['40', '44', '12', '0', '66', null, null, 'Oberspreewald-Lausitz'],
  ['50', '50', '12', '0', '66', '0112', null, 'Großräschen/Rań, Stadt'],
  muni('63', '12', '0', '66', '0112', '112', 'Großräschen/Rań, Stadt', 80.3, 8298, '01983'),
  ['50', '58', '16', '0', '74', '5050', null, 'Stadtroda, Stadt'],
  muni('63', '16', '0', '74', '5050', '094', 'Stadtroda, Stadt', 20, 6684, '07646'),
  muni('64', '16', '0', '74', '5050', '011', 'Bollberg', 3, 450, '07646'),
];
const FOOTER: Row[] = [
  [],
  ['1) Fußnote zur Fläche'],
  ['© Daten (im Auftrag der Herausgebergemeinschaft Statistische Ämter des Bundes und der Länder)'],
];

function workbook(body: Row[] = BODY, opts: { sheet?: string; header?: Row[] } = {}): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet('Inhalt').addRow(['Inhaltsverzeichnis']);
  const ws = wb.addWorksheet(opts.sheet ?? 'Onlineprodukt_Gemeinden31122023');
  for (const r of [...(opts.header ?? HEADER), ...body, ...FOOTER]) ws.addRow(r);
  return wb;
}

describe('cleanName', () => {
  it.each([
    ['Penkun, Stadt', 'Penkun'],
    ['Hamburg, Freie und Hansestadt', 'Hamburg'],
    ['Gelnhausen, Barbarossastadt, Kreisstadt', 'Gelnhausen'],
    ['Ebstorf,Klosterflecken', 'Ebstorf'],
    ['Binz, Ostseebad', 'Binz'],
    ['Osterburg (Altmark), Hansestadt', 'Osterburg (Altmark)'],
    ['Lauenburg/ Elbe, Stadt', 'Lauenburg/ Elbe'],
    ['Oelsnitz/Erzgeb., Stadt', 'Oelsnitz/Erzgeb.'],
    ['Großräschen/Rań, Stadt', 'Großräschen/Rań'], // no district given: nothing is cut at the slash
  ])('%s → %s', (raw, clean) => expect(cleanName(raw)).toBe(clean));

  it.each([
    ['Großräschen/Rań, Stadt', '12066', 'Großräschen'],
    ['Drebkau/Drjowk, Stadt', '12071', 'Drebkau'],
    ['Lübbenau/Spreewald / Lubnjow/Błota, Stadt', '12066', 'Lübbenau/Spreewald'],
    ['Forst (Lausitz)/Baršć (Łužyca), Stadt', '12071', 'Forst (Lausitz)'],
    ['Bautzen / Budyšin, Stadt', '14625', 'Bautzen'],
    ['Weißwasser/O.L., Stadt / Běła Woda', '14626', 'Weißwasser/O.L.'],
    ['Neukirch/Lausitz', '14625', 'Neukirch/Lausitz'],
    ['Reichenbach/O.L., Stadt', '14626', 'Reichenbach/O.L.'],
    ['Fürstenwalde/Spree, Stadt', '12067', 'Fürstenwalde/Spree'], // outside the Sorbian area the slash is German
  ])('Sorbian area: %s (%s) → %s', (raw, kreis, clean) => expect(cleanName(raw, kreis)).toBe(clean));
});

describe('parseDestatis', () => {
  it('maps municipality rows with keys, state, district, association and facts', () => {
    const records = parseDestatis(workbook());
    expect(records.map((r) => r.ags)).toEqual(['13075079', '13075107', '13075005', '12066112', '16074094', '16074011']);
    const penkun = records.find((r) => r.ags === '13075107')!;
    expect(penkun).toEqual({
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
      associationPopulation: 4756,
      population: 1756,
      areaKm2: 78.87,
      latitude: 53.297789,
      longitude: 14.23566,
      postcode: '17328',
      degurba: 3,
    });
  });

  it('treats "verbandsfrei" (type 50) as no association and cleans association names', () => {
    const records = parseDestatis(workbook());
    const anklam = records.find((r) => r.ags === '13075005')!;
    expect(anklam).toMatchObject({ name: 'Anklam', associationName: null, associationType: null, associationPopulation: null, degurba: 2 });
    const stadtroda = records.find((r) => r.ags === '16074094')!;
    expect(stadtroda).toMatchObject({ associationName: 'Stadtroda', associationType: 58, associationPopulation: 6684 + 450 });
  });

  it('keeps leading zeros and the raw Sorbian double name', () => {
    const gr = parseDestatis(workbook()).find((r) => r.ags === '12066112')!;
    expect(gr).toMatchObject({ name: 'Großräschen', nameRaw: 'Großräschen/Rań, Stadt', postcode: '01983', stateName: 'Brandenburg' });
  });

  it('pads key parts that a spreadsheet turned into numbers', () => {
    const body: Row[] = [
      ['40', '41', '01', '0', '01', null, null, 'Flensburg, Stadt'],
      ['60', '61', 1, 0, 1, 0, 0, 'Flensburg, Stadt', 56.73, 92667],
    ];
    expect(parseDestatis(workbook(body))[0]).toMatchObject({
      ags: '01001000',
      ars: '010010000000',
      stateName: 'Schleswig-Holstein',
      postcode: null,
    });
  });

  it('reads the same records back from an xlsx buffer', async () => {
    const buf = Buffer.from(await workbook().xlsx.writeBuffer());
    expect(parseDestatis(await readWorkbook(buf))).toEqual(parseDestatis(workbook()));
  });

  it('accepts any sheet named Onlineprodukt_Gemeinden…', () => {
    expect(parseDestatis(workbook(BODY, { sheet: 'Onlineprodukt_Gemeinden31122024' }))).toHaveLength(6);
  });

  it('reads the reference date (Stand) from the sheet name', () => {
    expect(referenceDate(workbook())).toBe('2023-12-31');
    expect(referenceDate(workbook(BODY, { sheet: 'Onlineprodukt_Gemeinden30062024' }))).toBe('2024-06-30');
    expect(() => referenceDate(workbook(BODY, { sheet: 'Onlineprodukt_Gemeinden' }))).toThrow(DirectoryFormatError);
  });
});

describe('parseDestatis rejects other files', () => {
  const reject = (wb: ExcelJS.Workbook) => () => parseDestatis(wb);

  it('without the municipality sheet', () => {
    expect(reject(workbook(BODY, { sheet: 'Tabelle1' }))).toThrow(
      /Not a Destatis GV-ISys municipality extract: sheet 'Onlineprodukt_Gemeinden…' not found/,
    );
    expect(reject(workbook(BODY, { sheet: 'Tabelle1' }))).toThrow(DirectoryFormatError);
  });

  it('whose header columns do not match', () => {
    const header = HEADER.map((r) => (r[2] === 'Land' ? ['Satzart', 'Typ', 'Land', 'Bezirk', 'Kreis', 'VB', 'Gem', 'Name'] : r));
    expect(reject(workbook(BODY, { header }))).toThrow(/header columns .* not found/);
  });

  it('with no municipality rows', () => {
    expect(reject(workbook(BODY.filter((r) => r[0] !== '60')))).toThrow(/no municipality rows/);
  });

  it.each([
    [
      'a malformed AGS',
      muni('63', '13', '0', '75', '5556', '1x7', 'Kaputt, Stadt', 10, 100),
      /Malformed AGS '130751x7' at row 15 \(Kaputt, Stadt\)/,
    ],
    ['an unknown state', muni('63', '17', '0', '75', '5556', '107', 'Nirgendwo', 10, 100), /Malformed AGS '17075107' at row 15/],
    ['a missing population', muni('63', '13', '0', '75', '5556', '108', 'Leer', 10, '' as never), /Population is not a number at row 15/],
    ['a text population', muni('63', '13', '0', '75', '5556', '108', 'Leer', 10, 'viele' as never), /Population is not a number at row 15/],
    ['a duplicate AGS', muni('63', '13', '0', '75', '5556', '107', 'Penkun, Stadt', 10, 100), /Duplicate AGS 13075107/],
  ])('with %s', (_label, bad, message) => {
    // Appended right after Anklam (row 15 of the sheet): one bad row rejects the whole file.
    const body = [...BODY.slice(0, 8), bad, ...BODY.slice(8)];
    expect(reject(workbook(body))).toThrow(message);
  });

  it('that is not an xlsx file at all', async () => {
    await expect(readWorkbook(Buffer.from('Name;Einwohner\nPenkun;1756\n'))).rejects.toThrow(/Not a readable xlsx file/);
  });
});
