import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import request from 'supertest';
import { freePort, launch, Launched, stop, until } from '../utils/launcher';
import { SmtpCatcher } from '../utils/smtp-catcher';
import { TEMPLATE_DB, TEST_DB_PREFIX, TEST_PG_ADMIN_URL, TEST_REDIS_URL, TEST_RUN_ID, dbUrl } from '../utils/test-env';

// The move the README describes: embedded instance → `npm run db:dump` → psql into a PostgreSQL server → servers mode.
const ROOT = resolve(__dirname, '../..');
const DUMP = join(ROOT, 'dist/scripts/dump-embedded.js');
const PASSWORD = 'Sicheres-Passwort-2024';
const run = promisify(execFile);

const logins = (output: string) =>
  Object.fromEntries([...output.matchAll(/^\s*(.+?): (\S+@\S+) \/ (\S+)$/gm)].map((m) => [m[1], { email: m[2], password: m[3] }]));

/**
 * PostgreSQL re-words `x IN ('a', 'b')` when it reads back its own output (`= ANY ((ARRAY['a'::varchar, …])::text[])`
 * becomes `= ANY (ARRAY[('a'::varchar)::text, …])`), as it does after any pg_dump: both read as the list of values.
 */
const sameAnyList = (def: string) =>
  def.replace(
    /ANY \(\(ARRAY\[([^\]]*)\]\)::text\[\]\)|ANY \(ARRAY\[([^\]]*)\]\)/g,
    (_m, a?: string, b?: string) => `ANY (${[...(a ?? b ?? '').matchAll(/'([^']*)'/g)].map((v) => v[1]).join(', ')})`,
  );

/** What a schema is made of, as the server reports it. */
async function schemaOf(url: string): Promise<string[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ x: string }>(`
      SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '') AS x
        FROM information_schema.columns WHERE table_schema = 'public'
      UNION ALL SELECT conrelid::regclass::text || ' ' || conname || ' ' || contype::text || ' ' || pg_get_constraintdef(oid)
        FROM pg_constraint WHERE connamespace = 'public'::regnamespace
      UNION ALL SELECT indexdef FROM pg_indexes WHERE schemaname = 'public'
      UNION ALL SELECT 'type ' || typname FROM pg_type WHERE typnamespace = 'public'::regnamespace AND typtype = 'e'
      ORDER BY 1`);
    return rows.map((r) => sameAnyList(r.x));
  } finally {
    await c.end();
  }
}

describe('from the embedded mode to servers: dump, restore, start', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kt-move-'));
  const dumpFile = join(dataDir, '..', `kt-move-${TEST_RUN_ID}.sql`);
  const database = `${TEST_DB_PREFIX}moved_from_embedded`;
  const smtp = new SmtpCatcher();
  let embedded: Launched | undefined;
  let servers: Launched | undefined;

  beforeAll(async () => {
    await smtp.start();
  });
  afterAll(async () => {
    await stop(embedded);
    await stop(servers);
    await smtp.stop();
    rmSync(dumpFile, { force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('carries towns, accounts, matching runs and a pending mail over, and the servers mode delivers that mail', async () => {
    // 1. An embedded instance whose SMTP server is unreachable: the registration's confirmation mail stays pending.
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    embedded = launch({
      DATA_DIR: dataDir,
      PORT: String(port),
      APP_URL: url,
      SMTP_URL: `smtp://127.0.0.1:${await freePort()}`,
      PGHOST: '127.0.0.1',
      PGPORT: '1',
    });
    await until('embedded healthy', () => fetch(`${url}/health`).then((r) => r.ok), 90_000, embedded);
    const office = logins(embedded.output())['Geschäftsstelle'];
    expect(office).toBeTruthy();

    const [olbernhau] = (await request(url).get('/api/municipalities').query({ q: 'Olbernhau' }).expect(200)).body;
    await request(url)
      .post('/api/auth/register')
      .send({
        ags: olbernhau.ags,
        email: 'bm@olbernhau.test',
        password: PASSWORD,
        displayName: 'Jörg Klaus',
        contactFunction: 'mayor',
        privacyAccepted: true,
      })
      .expect(201);

    const instance = JSON.parse(readFileSync(join(dataDir, 'kleinstadt-tandem.instance.json'), 'utf8'));
    const src = new Client({ connectionString: instance.databaseUrl });
    await src.connect();
    let towns: { id: string; ags: string; status: string }[];
    try {
      await until(
        'the confirmation mail has failed once (SMTP unreachable)',
        async () => {
          const { rows } = await src.query(`SELECT status, attempts FROM mail_delivery WHERE recipient = 'bm@olbernhau.test'`);
          return rows[0]?.status === 'failed' && rows[0].attempts >= 1;
        },
        60_000,
        embedded,
      );
      await until(
        'a finished suggestions run',
        async () => (await src.query(`SELECT 1 FROM matching_run WHERE kind = 'suggestions' AND status = 'done' AND is_current`)).rowCount,
        90_000,
        embedded,
      );
      towns = (await src.query(`SELECT id, ags, status::text FROM town ORDER BY ags`)).rows;
    } finally {
      await src.end();
    }
    expect(towns.length).toBeGreaterThan(20);
    expect(towns.find((t) => t.ags === olbernhau.ags)?.status).toBe('pending');

    const officeEmbedded = request.agent(url);
    await officeEmbedded.post('/api/auth/login').send(office).expect(200);
    const before = new Map<string, unknown>();
    for (const t of towns) before.set(t.id, (await officeEmbedded.get(`/api/towns/${t.id}`).expect(200)).body);
    const verified = towns.find((t) => t.status === 'verified')!;
    const suggestionsBefore = (await officeEmbedded.get(`/api/towns/${verified.id}/suggestions`).expect(200)).body;

    // 2. The dump, taken while the service runs, through the socket it serves; the service keeps answering.
    const dumped = await run(process.execPath, [DUMP, dumpFile], { env: { PATH: process.env.PATH, DATA_DIR: dataDir }, cwd: ROOT });
    expect(dumped.stdout).toMatch(/Wrote .*: \d+ tables, \d+ rows \(PostgreSQL [\d.]+, read from the running service\)/);
    await request(url).get('/health').expect(200);
    const sql = readFileSync(dumpFile, 'utf8');
    expect(sql).not.toMatch(/"bullmq"\./);
    await stop(embedded);

    // 3. Restore into a fresh database on the PostgreSQL server; its schema equals a freshly migrated one.
    const admin = new Client({ connectionString: TEST_PG_ADMIN_URL });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await admin.query(`CREATE DATABASE "${database}"`);
    } finally {
      await admin.end();
    }
    await run('psql', ['-q', '-v', 'ON_ERROR_STOP=1', '-f', dumpFile, dbUrl(database)]);
    expect(await schemaOf(dbUrl(database))).toEqual(await schemaOf(dbUrl(TEMPLATE_DB)));

    // 4. Servers mode on the restored database, real Redis and an SMTP server; no demo seeding, no migration left.
    const port2 = await freePort();
    const url2 = `http://127.0.0.1:${port2}`;
    servers = launch({
      DATABASE_URL: dbUrl(database),
      REDIS_URL: TEST_REDIS_URL,
      SMTP_URL: smtp.url,
      QUEUE_PREFIX: `kt_test_${TEST_RUN_ID}_moved`,
      PORT: String(port2),
      APP_URL: url2,
      HOST: '127.0.0.1',
      SEED_DEMO: 'false',
    });
    await until('servers mode healthy', () => fetch(`${url2}/health`).then((r) => r.ok), 90_000, servers);
    expect(servers.output()).not.toMatch(/Applied migrations/);
    expect((await request(url2).get('/health').expect(200)).body.details.mode).toMatchObject({ mode: 'servers', queueBackend: 'redis' });

    const officeServers = request.agent(url2);
    await officeServers.post('/api/auth/login').send(office).expect(200); // the password hash came along
    for (const t of towns) expect((await officeServers.get(`/api/towns/${t.id}`).expect(200)).body).toEqual(before.get(t.id));
    expect((await officeServers.get(`/api/towns/${verified.id}/suggestions`).expect(200)).body).toEqual(suggestionsBefore);

    // 5. The mail that never left the embedded instance goes out now (the sweeper re-queues it within ~2 minutes).
    const mail = await smtp.waitFor((m) => [m.to].flat().some((t) => t?.text.includes('bm@olbernhau.test')), 240_000);
    expect(mail.subject).toMatch(/E-Mail-Adresse/);
    const link = /(http:\/\/127\.0\.0\.1:\d+\/bestaetigen\?token=[\w-]+)/.exec(mail.text ?? '')?.[1];
    expect(link).toBeTruthy();
    await request(url2)
      .post('/api/auth/confirm')
      .send({ token: new URL(link!).searchParams.get('token') })
      .expect(200);
    expect(existsSync(`${dumpFile}.partial`)).toBe(false);
  }, 480_000);
});
