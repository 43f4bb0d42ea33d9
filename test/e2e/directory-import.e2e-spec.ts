import ExcelJS from 'exceljs';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { openDataSource } from '../../src/database/data-source';
import { INestApplicationContext } from '@nestjs/common';
import { DirectoryImportService } from '../../src/municipalities/directory/directory-import.service';
import { DirectoryRecord, parseDestatis, readWorkbook } from '../../src/municipalities/directory/destatis-parser.util';
import { openTestCommands } from '../utils/commands';
import { createTestDatabase } from '../utils/test-database';

// The official extract is read from the shared folder, never copied into the repository.
const DESTATIS_XLSX = resolve(__dirname, '../../../shared/data/destatis/31122023_Auszug_GV.xlsx');

describe('Destatis directory import (real file, real PostgreSQL)', () => {
  let ds: DataSource;
  let app: INestApplicationContext;
  let records: DirectoryRecord[];
  let parseSeconds: number;
  const tmpFiles: string[] = [];
  const count = async () => Number((await ds.query(`SELECT count(*) AS n FROM municipality`))[0].n);
  const snapshot = async () =>
    (await ds.query(`SELECT md5(string_agg(m::text, ',' ORDER BY ags)) AS h FROM municipality m`))[0].h as string;

  beforeAll(async () => {
    const url = await createTestDatabase('directory');
    ds = await openDataSource(url);
    app = await openTestCommands(url);
    const started = Date.now();
    records = parseDestatis(await readWorkbook(DESTATIS_XLSX)); // parsed once, reused by every test
    parseSeconds = (Date.now() - started) / 1000;
  });
  afterAll(async () => {
    await Promise.all(tmpFiles.map((f) => rm(f, { force: true })));
    await app?.close();
    await ds?.destroy();
  });

  it('imports every municipality once, with the official facts, well within 30 s', async () => {
    const started = Date.now();
    const first = await app.get(DirectoryImportService).import(records);
    const importSeconds = (Date.now() - started) / 1000;
    console.log(`Destatis extract: parsed in ${parseSeconds.toFixed(1)} s, imported in ${importSeconds.toFixed(1)} s`);
    expect(parseSeconds + importSeconds).toBeLessThan(30);
    expect(first).toEqual({ total: 10773, inserted: 10773, updated: 0, unchanged: 0 });
    expect(await count()).toBe(10773);
    const [small] = await ds.query(`SELECT count(*)::int AS n FROM municipality WHERE population BETWEEN 5000 AND 19999`);
    expect(small.n).toBe(2280);
    const [penkun] = await ds.query(`SELECT * FROM municipality WHERE name = 'Penkun'`);
    expect(penkun).toMatchObject({
      ags: '13075107',
      ars: '130755556107',
      name_raw: 'Penkun, Stadt',
      type_code: 63,
      state_code: '13',
      state_name: 'Mecklenburg-Vorpommern',
      district_name: 'Vorpommern-Greifswald',
      population: 1756,
      area_km2: '78.87',
      association_name: 'Löcknitz-Penkun',
      association_type: 51,
      association_population: 10615,
      postcode: '17328',
      degurba: 3,
      source: 'destatis',
    });
    expect(penkun.latitude).toBeCloseTo(53.297789, 5);
    expect(penkun.longitude).toBeCloseTo(14.23566, 5);
    // A kreisfreie Stadt is "verbandsfrei": no association.
    const [flensburg] = await ds.query(`SELECT name, association_name, association_population FROM municipality WHERE ags = '01001000'`);
    expect(flensburg).toEqual({ name: 'Flensburg', association_name: null, association_population: null });
    // Sorbian double names: German part searchable, official name kept.
    const [gr] = await ds.query(`SELECT name FROM municipality WHERE name_raw = 'Großräschen/Rań, Stadt'`);
    expect(gr.name).toBe('Großräschen');
    const [{ n: unincorporated }] = await ds.query(`SELECT count(*)::int AS n FROM municipality WHERE type_code IN (65, 66)`);
    expect(unincorporated).toBe(0);
  });

  it('is idempotent: a second run inserts nothing and changes nothing', async () => {
    const before = await snapshot();
    expect(await app.get(DirectoryImportService).import(records)).toEqual({ total: 10773, inserted: 0, updated: 0, unchanged: 10773 });
    expect(await count()).toBe(10773);
    expect(await snapshot()).toBe(before);
  });

  it('updates changed facts in place', async () => {
    await ds.query(`UPDATE municipality SET population = 1, source = 'fixture' WHERE ags = '13075107'`);
    expect(await app.get(DirectoryImportService).import(records)).toEqual({ total: 10773, inserted: 0, updated: 1, unchanged: 10772 });
    expect((await ds.query(`SELECT population, source FROM municipality WHERE ags = '13075107'`))[0]).toEqual({
      population: 1756,
      source: 'destatis',
    });
  });

  it('changes nothing when the file has a broken row', async () => {
    const before = await snapshot();
    // Official layout, a valid changed row first (would update Penkun), then a row with a malformed AGS.
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('Onlineprodukt_Gemeinden31122023');
    sheet.addRow(['Satz-art', 'Text-kenn-zeichen', 'Land', 'RB', 'Kreis', 'VB', 'Gem', 'Gemeindename']);
    sheet.addRow(['60', '63', '13', '0', '75', '5556', '107', 'Penkun, Stadt', 78.87, 99999]);
    sheet.addRow(['60', '63', '13', '0', '75', '5556', '1x7', 'Kaputt, Stadt', 10, 100]);
    const broken = join(tmpdir(), `kt-broken-${process.pid}.xlsx`);
    tmpFiles.push(broken);
    await wb.xlsx.writeFile(broken);
    await expect(app.get(DirectoryImportService).importFile(broken)).rejects.toThrow("Malformed AGS '130751x7' at row 3 (Kaputt, Stadt)");
    expect(await snapshot()).toBe(before);
  });

  it('rolls back every batch when a write fails half-way', async () => {
    const before = await snapshot();
    // The first batches would write changes; the last one hits a value the column refuses.
    const changed = records.map((r) => ({ ...r, population: r.population + 1 }));
    changed[10000] = { ...changed[10000], postcode: 'x'.repeat(50) };
    await expect(app.get(DirectoryImportService).import(changed)).rejects.toThrow();
    expect(await count()).toBe(10773);
    expect(await snapshot()).toBe(before);
  });

  it('rejects files in another format with a clear message', async () => {
    const other = new ExcelJS.Workbook();
    other.addWorksheet('Tabelle1').addRow(['Name', 'Einwohner']);
    const otherFile = join(tmpdir(), `kt-other-${process.pid}.xlsx`);
    tmpFiles.push(otherFile);
    await other.xlsx.writeFile(otherFile);
    await expect(app.get(DirectoryImportService).importFile(otherFile)).rejects.toThrow(
      "Not a Destatis GV-ISys municipality extract: sheet 'Onlineprodukt_Gemeinden…' not found (sheets: Tabelle1)",
    );
    const csv = join(tmpdir(), `kt-not-xlsx-${process.pid}.xlsx`);
    tmpFiles.push(csv);
    await writeFile(csv, 'Name;Einwohner\nPenkun;1756\n');
    await expect(app.get(DirectoryImportService).importFile(csv)).rejects.toThrow(/Not a readable xlsx file/);
    expect(await count()).toBe(10773);
  });
});
