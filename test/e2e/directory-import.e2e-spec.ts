import ExcelJS from 'exceljs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { openDataSource } from '../../src/database/data-source';
import { importDirectory } from '../../src/municipalities/directory/directory-import';
import { DirectoryRecord, parseDestatis, readWorkbook } from '../../src/municipalities/directory/destatis-parser.util';
import { createTestDatabase } from '../utils/test-database';
import { DESTATIS_XLSX } from '../utils/test-env';


describe('Destatis directory import (real file, real PostgreSQL)', () => {
  let ds: DataSource;
  let records: DirectoryRecord[];
  const count = async () => Number((await ds.query(`SELECT count(*) AS n FROM municipality`))[0].n);

  beforeAll(async () => {
    ds = await openDataSource(await createTestDatabase('directory'));
    records = parseDestatis(await readWorkbook(DESTATIS_XLSX));
  });
  afterAll(() => ds?.destroy());

  it('imports every municipality once, with the official facts', async () => {
    const first = await importDirectory(ds, records);
    expect(first).toEqual({ total: 10773, inserted: 10773, updated: 0, unchanged: 0 });
    expect(await count()).toBe(10773);
    const [small] = await ds.query(`SELECT count(*)::int AS n FROM municipality WHERE population BETWEEN 5000 AND 19999`);
    expect(small.n).toBe(2280);
    const [penkun] = await ds.query(`SELECT * FROM municipality WHERE name = 'Penkun'`);
    expect(penkun).toMatchObject({
      ags: '13075107', ars: '130755556107', name_raw: 'Penkun, Stadt', state_name: 'Mecklenburg-Vorpommern', population: 1756,
      association_name: 'Löcknitz-Penkun', association_type: 51, association_population: 10615, postcode: '17328', degurba: 3,
    });
    expect(penkun.latitude).toBeCloseTo(53.297789, 5);
    expect(penkun.longitude).toBeCloseTo(14.23566, 5);
    const [flensburg] = await ds.query(`SELECT association_name, district_name FROM municipality WHERE ags = '01001000'`);
    expect(flensburg).toEqual({ association_name: null, district_name: 'Flensburg, Stadt' });
    const [gr] = await ds.query(`SELECT name FROM municipality WHERE name_raw = 'Großräschen/Rań, Stadt'`);
    expect(gr.name).toBe('Großräschen/Rań');
  });

  it('is idempotent: a second run adds no rows and changes nothing', async () => {
    expect(await importDirectory(ds, records)).toEqual({ total: 10773, inserted: 0, updated: 0, unchanged: 10773 });
    expect(await count()).toBe(10773);
  });

  it('updates changed facts in place', async () => {
    await ds.query(`UPDATE municipality SET population = 1 WHERE ags = '13075107'`);
    expect(await importDirectory(ds, records)).toMatchObject({ inserted: 0, updated: 1 });
    expect((await ds.query(`SELECT population FROM municipality WHERE ags = '13075107'`))[0].population).toBe(1756);
  });

  it('changes nothing when the file is broken or not this format', async () => {
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('Onlineprodukt_Gemeinden31122023');
    sheet.addRow(['Satz-art', 'Text-kenn-zeichen', 'Land', 'RB', 'Kreis', 'VB', 'Gem', 'Gemeindename']);
    sheet.addRow(['60', '63', '13', '0', '75', '5556', '107', 'Penkun, Stadt', 78.87, 99999]);
    sheet.addRow(['60', '63', '13', '0', '75', '5556', '1x7', 'Kaputt, Stadt', 10, 100]);
    const broken = join(tmpdir(), `kt-broken-${process.pid}.xlsx`);
    await wb.xlsx.writeFile(broken);
    await expect(readWorkbook(broken).then(parseDestatis)).rejects.toThrow(/Row 3: malformed official key/);

    const other = new ExcelJS.Workbook();
    other.addWorksheet('Tabelle1').addRow(['Name', 'Einwohner']);
    await expect(readWorkbook(Buffer.from(await other.xlsx.writeBuffer())).then(parseDestatis)).rejects.toThrow(/Not a Destatis GV-ISys municipality extract/);
    await writeFile(join(tmpdir(), 'kt-not-xlsx.xlsx'), 'hello');
    await expect(readWorkbook(join(tmpdir(), 'kt-not-xlsx.xlsx'))).rejects.toThrow(/Not a readable xlsx/);

    // A failure inside the write (here: a value the column refuses) rolls the whole import back.
    const bad = [...records.slice(0, 5000), { ...records[5000], postcode: 'x'.repeat(50) }];
    await expect(importDirectory(ds, bad)).rejects.toThrow();
    expect(await count()).toBe(10773);
    expect((await ds.query(`SELECT population FROM municipality WHERE ags = '13075107'`))[0].population).toBe(1756);
  });
});
