import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { writeSqlDump } from '../../src/embedded/sql-dump';

// Many pg connections share PGlite's one session through pglite-socket: one client's batch must stay together.
// PGlite loads its WASM with a dynamic import that jest cannot run, so the embedded server (from dist/, built by
// the test command) runs in a child process and this file talks to it over the socket, like the app does.
const EMBEDDED = resolve(__dirname, '../../dist/src/embedded/embedded-postgres.js');

describe('embedded PostgreSQL: one session shared by many connections', () => {
  let server: ChildProcess;
  let url: string;
  const clients: Client[] = [];

  const connect = async () => {
    const c = new Client({ connectionString: url });
    c.on('error', () => undefined);
    await c.connect();
    clients.push(c);
    return c;
  };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kt-session-'));
    const driver = `require(${JSON.stringify(EMBEDDED)}).startEmbeddedPostgres(${JSON.stringify(dir)}).then((e) => console.log(e.url))`;
    server = spawn(process.execPath, ['-e', driver], { stdio: ['ignore', 'pipe', 'inherit'] });
    url = await new Promise<string>((ok, fail) => {
      server.stdout!.on('data', (d) => /postgres:\/\/\S+/.test(String(d)) && ok(/postgres:\/\/\S+/.exec(String(d))![0]));
      server.once('exit', (code) => fail(new Error(`embedded PostgreSQL exited (${code})`)));
    });
    const setup = await connect();
    await setup.query('CREATE TABLE note (id int PRIMARY KEY, text text)');
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    server?.kill('SIGKILL');
  });

  it('keeps Parse … Sync of one client together while another client queries in between', async () => {
    const a = await connect();
    const b = await connect();
    // Make client A send Parse now and Bind/Describe/Execute/Sync 50 ms apart, as separate TCP chunks.
    const conn = (a as unknown as { connection: Record<string, (...args: unknown[]) => void> }).connection;
    let chain = Promise.resolve();
    for (const m of ['bind', 'describe', 'execute', 'sync']) {
      const original = conn[m].bind(conn);
      conn[m] = (...args: unknown[]) => {
        chain = chain.then(() => sleep(50)).then(() => original(...args));
      };
    }
    const ra = a.query('SELECT $1::int + 1 AS n', [41]);
    await sleep(10);
    const rb = b.query('SELECT $1::int[] AS arr, $2::text AS t', [[1, 2], 'b']);
    await expect(ra).resolves.toMatchObject({ rows: [{ n: 42 }] });
    await expect(rb).resolves.toMatchObject({ rows: [{ arr: [1, 2], t: 'b' }] });
  });

  it('runs another client only after an open transaction ends, and rolls back the transaction of a client that goes away', async () => {
    const a = await connect();
    const b = await connect();
    await a.query('BEGIN');
    await a.query('INSERT INTO note VALUES ($1, $2)', [1, 'committed']);
    const {
      rows: [inA],
    } = await a.query('SELECT now() AS t');
    let bDone = false;
    const rb = b.query('SELECT count(*)::int AS n, now() AS t FROM note').then((r) => ((bDone = true), r.rows[0]));
    // Give B's query time to reach the server while A's transaction is open (the evidence is B's now(), below).
    await sleep(100);
    expect(bDone).toBe(false);
    await a.query('COMMIT');
    const after = await rb;
    expect(after.n).toBe(1);
    // now() is the start of the current transaction: had B run inside A's (on the one shared session), it would
    // read A's start time; it reads a later one, so it ran in a transaction of its own, after A's commit.
    expect(after.t.getTime()).toBeGreaterThan(inA.t.getTime());

    const c = await connect();
    await c.query('BEGIN');
    await c.query('INSERT INTO note VALUES ($1, $2)', [2, 'abandoned']);
    const rb2 = b.query('SELECT array_agg(id ORDER BY id) AS ids FROM note');
    (c as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    await expect(rb2).resolves.toMatchObject({ rows: [{ ids: [1] }] });
    // The session is out of the abandoned transaction: a new one starts and commits normally.
    await b.query('BEGIN');
    await b.query('INSERT INTO note VALUES ($1, $2)', [3, 'after']);
    await b.query('COMMIT');
    expect((await a.query('SELECT array_agg(id ORDER BY id) AS ids FROM note')).rows[0].ids).toEqual([1, 3]);
  });

  it('dumps through the shared session without leaving its settings behind, from one snapshot', async () => {
    const dumper = await connect();
    const other = await connect();
    const pathBefore = (await other.query('SHOW search_path')).rows[0].search_path;
    const chunks: string[] = [];
    let writeDuringDump: Promise<unknown> | undefined;
    await writeSqlDump(
      dumper,
      (c) => {
        chunks.push(c);
        // A write by another connection while the dump's transaction is open waits for it, so it is not in the dump.
        writeDuringDump ??= other.query(`INSERT INTO note VALUES (99, 'later')`);
      },
      { excludeSchemas: ['bullmq'] },
    );
    await writeDuringDump;
    const sql = chunks.join('');
    expect(sql).toMatch(/CREATE TABLE "public"\."note" \(\n {4}"id" integer NOT NULL,\n {4}"text" text\n\);/);
    expect(sql).toMatch(/COPY "public"\."note" \("id", "text"\) FROM stdin;\n(?:\d+\t[a-z]+\n)+\\\.\n/);
    expect(sql).not.toContain('later');
    expect((await other.query('SHOW search_path')).rows[0].search_path).toBe(pathBefore); // SET LOCAL only
    expect((await other.query('SELECT text FROM note WHERE id = 99')).rows).toEqual([{ text: 'later' }]);
  });
});
