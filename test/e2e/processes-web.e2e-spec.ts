import { Client } from 'pg';
import { hashPassword } from '../../src/auth/password.util';
import { seedTowns } from '../factories/digest.factory';
import { createOfficeUser } from '../factories/directory.factory';
import { freePort } from '../utils/free-port';
import { deleteQueueKeys, ServiceProcess, serversEnv, startWeb, startWorker, stopAll } from '../utils/processes';
import { createTestDatabase } from '../utils/test-database';
import { TEST_PASSWORD_HASH, TEST_RUN_ID } from '../utils/test-env';
import { waitFor } from '../utils/wait-for';

// Issue 29: two web processes (dist/src/main.js, as the start command's WEB_CONCURRENCY=2 or compose's replicas run
// them) on one PostgreSQL and one Redis. Whatever one process knows, the other must know: sessions, CSRF tokens, rate
// limits, the matching run in progress. Servers mode only: several processes are about those two servers.
const OFFICE = { email: 'office@prozesse.test', password: 'Office-Passwort-123' };
const LOGIN_LIMIT = 6;

/** A minimal cookie jar: name=value pairs from Set-Cookie, sent back as one Cookie header. */
class Jar {
  private cookies = new Map<string, string>();
  take(res: Response): Response {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      this.cookies.set(pair.slice(0, i), pair.slice(i + 1));
    }
    return res;
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  has(name: string): boolean {
    return this.cookies.has(name);
  }
}

async function call(
  jar: Jar,
  url: string,
  init: { method?: string; json?: unknown; form?: Record<string, string> } = {},
): Promise<Response> {
  const headers: Record<string, string> = { cookie: jar.header() };
  let body: string | undefined;
  if (init.json !== undefined) [headers['content-type'], body] = ['application/json', JSON.stringify(init.json)];
  if (init.form) [headers['content-type'], body] = ['application/x-www-form-urlencoded', new URLSearchParams(init.form).toString()];
  return jar.take(await fetch(url, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body, redirect: 'manual' }));
}

async function formToken(jar: Jar, url: string): Promise<string> {
  const res = await call(jar, url);
  const m = /name="_csrf" value="([^"]+)"/.exec(await res.text());
  if (!m) throw new Error(`No CSRF token on ${url} (${res.status})`);
  return m[1];
}

describe('two web processes (servers mode)', () => {
  const prefix = `kt_test_${TEST_RUN_ID}_proc_web`;
  let db: Client;
  let env: NodeJS.ProcessEnv;
  let one: ServiceProcess;
  let two: ServiceProcess;
  const running: ServiceProcess[] = [];

  beforeAll(async () => {
    const databaseUrl = await createTestDatabase('proc_web');
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
    await createOfficeUser(db, OFFICE.email, await hashPassword(OFFICE.password, TEST_PASSWORD_HASH));
    await seedTowns(db, 6);
    env = serversEnv({ databaseUrl, queuePrefix: prefix, smtpPort: 1, extra: { LOGIN_RATE_LIMIT: String(LOGIN_LIMIT) } });
    const [p1, p2] = [await freePort(), await freePort()];
    [one, two] = await Promise.all([startWeb(env, p1), startWeb(env, p2)]);
    running.push(one, two);
  }, 120_000);

  afterAll(async () => {
    await stopAll(running);
    await deleteQueueKeys(prefix);
    await db?.end();
  }, 60_000);

  it('a session created by one process is valid on the other, and a CSRF token of one is accepted by the other', async () => {
    // Anonymous: the login form's token from process one, the form sent to process two (a forged token is refused there).
    const jar = new Jar();
    const token = await formToken(jar, `${one.url}/anmelden`);
    const forged = await call(jar, `${two.url}/anmelden`, { form: { _csrf: `${token.slice(0, -4)}AAAA`, ...OFFICE } });
    expect(forged.status).toBe(403);
    const login = await call(jar, `${two.url}/anmelden`, { form: { _csrf: token, ...OFFICE } });
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe('/geschaeftsstelle/registrierungen');
    expect(jar.has('kt.sid')).toBe(true);

    // The session process two created is read by process one.
    const me = await call(jar, `${one.url}/api/auth/me`);
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ email: OFFICE.email, role: 'office' });

    // Signed in, the token is bound to the session: one from a page of process one logs out on process two …
    const sessionToken = await formToken(jar, `${one.url}/geschaeftsstelle/registrierungen`);
    expect((await call(jar, `${two.url}/abmelden`, { form: { _csrf: sessionToken } })).status).toBe(303);
    // … and process one sees the logout (SESSION_CACHE_MS is 0 under NODE_ENV=test).
    expect((await call(jar, `${one.url}/api/auth/me`)).status).toBe(401);
  });

  it('a matching run requested concurrently through both processes is created once and computed once', async () => {
    const jar = new Jar();
    expect((await call(jar, `${one.url}/api/auth/login`, { json: OFFICE })).status).toBe(200);
    // No worker runs yet, so the first run is still running when the other requests arrive, whatever their order.
    const answers = await Promise.all(
      [one, two, one, two, one, two].map((p) => call(jar, `${p.url}/api/matching/runs`, { json: { kind: 'suggestions' } })),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([202, 409, 409, 409, 409, 409]);
    const bodies = await Promise.all(answers.map((a) => a.json() as Promise<{ runId?: string; error?: string }>));
    const runId = bodies.find((b) => b.runId)!.runId!;
    expect(bodies.filter((b) => !b.runId).map((b) => b.error)).toEqual(new Array(5).fill('run_in_progress'));
    const officeRuns = async () =>
      (await db.query(`SELECT id, status, is_current FROM matching_run WHERE kind = 'suggestions' AND trigger = 'office'`)).rows;
    expect(await officeRuns()).toEqual([{ id: runId, status: 'running', is_current: false }]);

    // A worker process takes the job the web process queued and computes the run, once.
    running.push(startWorker(env));
    await waitFor(async () => (await officeRuns())[0].status === 'done', { timeoutMs: 60_000, intervalMs: 200, what: 'the run to finish' });
    expect(await officeRuns()).toEqual([{ id: runId, status: 'done', is_current: expect.any(Boolean) }]);
    // It became the current run when it finished; the new worker's own first run (not the office's) may have finished
    // after it and taken over, never an earlier one.
    const current = (
      await db.query(
        `SELECT c.id, c.trigger, c.finished_at >= o.finished_at AS later FROM matching_run c, matching_run o
         WHERE c.kind = 'suggestions' AND c.is_current AND o.id = $1`,
        [runId],
      )
    ).rows;
    expect(current).toHaveLength(1);
    if (current[0].id !== runId) expect(current[0]).toMatchObject({ later: true, trigger: expect.not.stringMatching(/^office$/) });
    const rows = await db.query(`SELECT count(*)::int AS n FROM matching_suggestion WHERE run_id = $1`, [runId]);
    expect(rows.rows[0].n).toBeGreaterThan(0);
  });

  it('the login rate limit counts across processes: attempts split over both hit it at the same total', async () => {
    await db.query(`DELETE FROM rate_limit_counter`); // this minute's budget unused (earlier tests logged in)
    const statuses: string[] = [];
    for (let i = 0; i < LOGIN_LIMIT + 2; i++) {
      const p = i % 2 === 0 ? one : two;
      const res = await call(new Jar(), `${p.url}/api/auth/login`, { json: { email: OFFICE.email, password: `Falsch-${i}-Passwort` } });
      statuses.push(`${p === one ? 'one' : 'two'}:${res.status}`);
    }
    // Each process alone saw 3 attempts (under the limit of 6); together the 7th is refused, on either process.
    expect(statuses).toEqual(['one:401', 'two:401', 'one:401', 'two:401', 'one:401', 'two:401', 'one:429', 'two:429']);
    const right = await call(new Jar(), `${two.url}/api/auth/login`, { json: OFFICE });
    expect(right.status).toBe(429);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
