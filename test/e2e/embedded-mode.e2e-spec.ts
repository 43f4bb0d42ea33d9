import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createServer } from 'node:net';
import request from 'supertest';

// Runs the real start path (dist/src/launcher.js, built by the test command) with no PostgreSQL or Redis configured.
const LAUNCHER = resolve(__dirname, '../../dist/src/launcher.js');
const PASSWORD = 'Sicheres-Passwort-2024';

const freePort = () =>
  new Promise<number>((r) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => r(p));
    });
  });

interface Launched {
  proc: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function launch(dataDir: string, port: number): Launched {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'development', LOG_LEVEL: 'warn',
    DATA_DIR: dataDir, PORT: String(port), APP_URL: `http://127.0.0.1:${port}`,
    // Make sure nothing falls back to the machine's servers: libpq-style variables point at a closed port.
    PGHOST: '127.0.0.1', PGPORT: '1',
  };
  const proc = spawn(process.execPath, [LAUNCHER], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  return { proc, output: () => out, exited };
}

async function waitHealthy(url: string, l: Launched, timeoutMs = 60_000): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (l.proc.exitCode !== null) throw new Error(`launcher exited early:\n${l.output()}`);
    const ok = await fetch(`${url}/health`).then((r) => r.ok, () => false);
    if (ok) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`not healthy within ${timeoutMs} ms:\n${l.output()}`);
}

async function stop(l: Launched) {
  if (l.proc.exitCode === null) l.proc.kill('SIGTERM');
  await Promise.race([l.exited, new Promise((r) => setTimeout(r, 15_000))]);
  if (l.proc.exitCode === null) l.proc.kill('SIGKILL');
}

describe('embedded default mode (no PostgreSQL or Redis configured)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kt-embedded-'));
  let port: number;
  let url: string;
  let first: Launched;
  const running: Launched[] = [];

  beforeAll(async () => {
    port = await freePort();
    url = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    for (const l of running) await stop(l);
  });

  it('starts cold, reports the mode, and runs register → outbox email → confirm → profile', async () => {
    first = launch(dataDir, port);
    running.push(first);
    const coldStartMs = await waitHealthy(url, first);
    console.log(`embedded cold start to healthy: ${(coldStartMs / 1000).toFixed(1)} s`);
    expect(first.output()).toMatch(/Geschäftsstelle: geschaeftsstelle@demo\.kleinstadt-tandem\.de \/ Demo-/);

    const health = await request(url).get('/health').expect(200);
    expect(health.body.details.mode).toMatchObject({ mode: 'embedded', queueBackend: 'postgres', mail: 'outbox' });
    expect(health.body.details.queue).toEqual({ status: 'up', backend: 'postgres' });
    expect(health.body.details.redis).toBeUndefined();

    const [olbernhau] = (await request(url).get('/api/municipalities').query({ q: 'Olbernhau' }).expect(200)).body;
    expect(olbernhau).toMatchObject({ name: 'Olbernhau', stateName: 'Sachsen', registered: false });
    await request(url).post('/api/auth/register')
      .send({ ags: olbernhau.ags, email: 'bm@olbernhau.test', password: PASSWORD, displayName: 'Jörg Klaus', contactFunction: 'mayor', privacyAccepted: true })
      .expect(201);

    let link: string | undefined;
    for (let i = 0; i < 100 && !link; i++) {
      const list = await request(url).get('/outbox').expect(200);
      const id = /href="\/outbox\/([0-9a-f-]{36})"/.exec(list.text)?.[1];
      if (id) {
        const msg = await request(url).get(`/outbox/${id}`).expect(200);
        expect(msg.text).toContain('Bitte bestätigen Sie Ihre E-Mail-Adresse');
        // The link in the text version is a real link; the HTML version opens its links in the whole window.
        link = /<a href="(http:\/\/127\.0\.0\.1:\d+\/bestaetigen\?token=[\w-]+)">/.exec(msg.text.replace(/&#x3D;/g, '='))?.[1];
        const html = await request(url).get(`/outbox/${id}/html`).expect(200).expect('content-security-policy', /sandbox/);
        expect(html.text).toMatch(/<head[^>]*><base target="_top">/);
        expect(html.text.replace(/&#x3D;/g, '=')).toContain(link);
      } else {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    expect(link).toBeTruthy();
    const token = new URL(link!).searchParams.get('token');
    await request(url).post('/api/auth/confirm').send({ token }).expect(200);

    const agent = request.agent(url);
    const login = await agent.post('/api/auth/login').send({ email: 'bm@olbernhau.test', password: PASSWORD }).expect(200);
    await agent.put(`/api/towns/${login.body.townId}/profile`).send({
      topics: ['leerstand'], challenges: [{ topic: 'leerstand', text: 'Leere Läden im Zentrum', urgency: 3 }], experiences: [], description: 'Bergstadt.', capacity: 1,
    }).expect(200);
    // Bull Board reads Redis only: in this mode the office gets a page that says so (a mayor is refused first).
    await agent.get('/admin/queues').expect(403);
    const officePassword = /Geschäftsstelle: \S+ \/ (Demo-[\w-]+)/.exec(first.output())![1];
    const office = request.agent(url);
    await office.post('/api/auth/login').send({ email: 'geschaeftsstelle@demo.kleinstadt-tandem.de', password: officePassword }).expect(200);
    expect((await office.get('/admin/queues').expect(503)).text).toContain('im eingebauten Modus (ohne Redis) nicht zur Verfügung');
    // Many connections share PGlite's one session: none of them may see another one's statement.
    expect(first.output()).not.toMatch(/bind message supplies|prepared statement|malformed array literal/);
  });

  it('refuses a second instance on the same data folder, and an unusable data folder', async () => {
    const second = launch(dataDir, await freePort());
    expect(await second.exited).not.toBe(0);
    expect(second.output()).toMatch(/Another Kleinstadt-Tandem instance \(PID \d+\) is already running on the data folder/);

    const file = join(tmpdir(), `kt-not-a-dir-${process.pid}`);
    writeFileSync(file, 'x');
    const third = launch(file, await freePort());
    expect(await third.exited).not.toBe(0);
    expect(third.output()).toMatch(/The data folder .* cannot be used/);
    await request(url).get('/health').expect(200); // the first one is untouched
  });

  it('keeps the data across a restart', async () => {
    await stop(first);
    const again = launch(dataDir, port);
    running.push(again);
    await waitHealthy(url, again);
    expect(again.output()).not.toMatch(/Applied migrations/);
    const agent = request.agent(url);
    const me = await agent.post('/api/auth/login').send({ email: 'bm@olbernhau.test', password: PASSWORD }).expect(200);
    const town = await agent.get(`/api/towns/${me.body.townId}`).expect(200);
    expect(town.body.challenges).toEqual([{ topic: 'leerstand', text: 'Leere Läden im Zentrum', urgency: 3 }]);
    expect(again.output()).toMatch(/is ready \(embedded mode, [\d.]+ s\): http:\/\/127\.0\.0\.1:\d+\nPostausgang .*\/outbox/);
  });

  it('after a hard kill of the launcher: no orphaned web or worker, and the next start takes over the stale lock', async () => {
    const current = running[running.length - 1];
    const children = execFileSync('pgrep', ['-P', String(current.proc.pid)], { encoding: 'utf8' }).trim().split('\n').map(Number);
    expect(children).toHaveLength(2);
    current.proc.kill('SIGKILL');
    await current.exited;
    const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };
    // The children give a graceful stop 5 s before they exit anyway (launcher-child.ts); allow for a loaded machine.
    for (let i = 0; i < 200 && children.some(alive); i++) await new Promise((r) => setTimeout(r, 100));
    expect(children.filter(alive)).toEqual([]);

    const next = launch(dataDir, port);
    running.push(next);
    await waitHealthy(url, next);
    await request.agent(url).post('/api/auth/login').send({ email: 'bm@olbernhau.test', password: PASSWORD }).expect(200);
  });
});
