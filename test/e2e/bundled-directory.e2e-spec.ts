import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { Client } from 'pg';
import request from 'supertest';
import { readBundledDirectory } from '../../src/municipalities/directory/bundled-directory.util';
import { freePort, launch, Launched, stop, waitHealthy } from '../utils/launcher';
import { createTestDatabase } from '../utils/test-database';
import { DESTATIS_XLSX, TEST_REDIS_URL, TEST_RUN_ID } from '../utils/test-env';

// The real start path in servers mode (dist/src/launcher.js, built by the test command) on an empty database.
const IMPORT = resolve(__dirname, '../../dist/scripts/import-destatis.js');
const run = promisify(execFile);
const BUNDLED = readBundledDirectory();
const LOADED =
  /^Directory: (\d+) municipalities \(Stand 2023-12-31\) loaded from the bundled file in ([\d.]+) s \(\d+ new, \d+ updated\)\. Quelle: Statistisches Bundesamt \(Destatis\), Gemeindeverzeichnis-Informationssystem GV-ISys, Stand 31\.12\.2023; Lizenz: Datenlizenz Deutschland – Namensnennung – Version 2\.0, https:\/\/www\.govdata\.de\/dl-de\/by-2-0$/m;

describe('the bundled directory on a first start (servers mode)', () => {
  const prefix = `kt_test_${TEST_RUN_ID}_bundled`;
  let databaseUrl: string;
  let db: Client;
  let port: number;
  let url: string;
  const running: Launched[] = [];
  const env = () => ({
    DATABASE_URL: databaseUrl,
    REDIS_URL: TEST_REDIS_URL,
    SMTP_URL: `smtp://127.0.0.1:${port}`, // nothing is mailed here
    QUEUE_PREFIX: prefix,
    PORT: String(port),
    APP_URL: url,
    HOST: '127.0.0.1',
    SEED_DEMO: 'false',
  });
  const start = async () => {
    const l = launch(env());
    running.push(l);
    const ms = await waitHealthy(url, l, 90_000);
    return { l, ms };
  };
  const sources = async () =>
    (await db.query(`SELECT source, count(*)::int AS n, max(updated_at) AS last FROM municipality GROUP BY source ORDER BY source`)).rows;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase('bundled_directory');
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
    port = await freePort();
    url = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    for (const l of running) await stop(l);
    await db?.end();
    const redis = new Redis(TEST_REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it('loads every municipality on the first start, findable by name and postcode', async () => {
    expect((await db.query(`SELECT count(*)::int AS n FROM municipality`)).rows[0].n).toBe(0);
    const { l, ms } = await start();
    const [, count, seconds] = LOADED.exec(l.output()) ?? [];
    expect(Number(count)).toBe(10773);
    console.log(`servers mode, empty database: bundled directory loaded in ${seconds} s; healthy after ${(ms / 1000).toFixed(1)} s`);
    expect(await sources()).toEqual([{ source: 'bundled:2023-12-31', n: 10773, last: expect.any(Date) }]);

    // Every 400th municipality of the file (27, from all over the AGS range) is found by its name, and Zschopau by postcode.
    const sample = BUNDLED.records.filter((_, i) => i % 400 === 0);
    for (const m of sample) {
      const hits = (await request(url).get('/api/municipalities').query({ q: m.name, limit: 50 }).expect(200)).body as { ags: string }[];
      expect({ name: m.name, found: hits.some((h) => h.ags === m.ags) }).toEqual({ name: m.name, found: true });
    }
    const [zschopau] = (await request(url).get('/api/municipalities').query({ q: '09405' }).expect(200)).body;
    expect(zschopau).toMatchObject({ ags: '14521690', name: 'Zschopau', stateName: 'Sachsen', districtName: 'Erzgebirgskreis' });
  });

  it('does not load it again on the next start', async () => {
    const before = await sources();
    await stop(running[running.length - 1]);
    const { l, ms } = await start();
    console.log(`servers mode, warm start to healthy: ${(ms / 1000).toFixed(1)} s`);
    expect(l.output()).not.toMatch(/^Directory: /m);
    expect(await sources()).toEqual(before);
  });

  it('takes an import of the official xlsx afterwards, and a later start keeps the imported rows', async () => {
    const imported = await run(process.execPath, [IMPORT, DESTATIS_XLSX], {
      env: { PATH: process.env.PATH, DATABASE_URL: databaseUrl, REDIS_URL: TEST_REDIS_URL, LOG_LEVEL: 'warn' },
    });
    // Same facts, new source: every row is the import's now.
    expect(imported.stdout).toContain('Imported: 0 inserted, 10773 updated, 0 unchanged');
    const afterImport = await sources();
    expect(afterImport).toEqual([{ source: 'destatis', n: 10773, last: expect.any(Date) }]);

    await stop(running[running.length - 1]);
    const { l } = await start();
    expect(l.output()).not.toMatch(/^Directory: /m);
    expect(await sources()).toEqual(afterImport);
    const [penkun] = (await request(url).get('/api/municipalities').query({ q: 'Penkun' }).expect(200)).body;
    expect(penkun).toMatchObject({ ags: '13075107', population: 1756, associationName: 'Löcknitz-Penkun' });
  });
});
