import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { freePort, launch, Launched, stop, waitHealthy } from '../utils/launcher';
import { waitFor } from '../utils/wait-for';

// Runs the real start path (dist/src/launcher.js, built by the test command) with no PostgreSQL or Redis configured.
const PASSWORD = 'Sicheres-Passwort-2024';

/** The TCP sockets listening on a port, read from the kernel's tables (no traffic sent anywhere). */
function listeningOn(port: number): { address: string; inode: string }[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const found: { address: string; inode: string }[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || f[3] !== '0A') continue; // 0A = LISTEN
      const [addr, p] = f[1].split(':');
      if (p !== hexPort) continue;
      found.push({ address: decodeAddress(addr), inode: f[9] });
    }
  }
  return found;
}

function decodeAddress(hex: string): string {
  // /proc/net/tcp stores each 32-bit word in host (little-endian) order.
  const words = hex.match(/.{8}/g)!.map((w) => Buffer.from(w, 'hex').reverse());
  if (words.length === 1) return [...words[0]].join('.');
  const b = Buffer.concat(words);
  return Array.from({ length: 8 }, (_, i) => b.readUInt16BE(i * 2).toString(16))
    .join(':')
    .replace(/(^|:)0(:0)+(:|$)/, '::');
}

/** Socket inodes a process holds open. */
function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]);
    } catch {
      /* closed meanwhile */
    }
  }
  return inodes;
}

const childPids = (pid: number) =>
  execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map(Number);

function launchIn(dataDir: string, port: number, extra: NodeJS.ProcessEnv = {}): Launched {
  return launch({
    DATA_DIR: dataDir,
    PORT: String(port),
    APP_URL: `http://127.0.0.1:${port}`,
    // Make sure nothing falls back to the machine's servers: libpq-style variables point at a closed port.
    PGHOST: '127.0.0.1',
    PGPORT: '1',
    ...extra,
  });
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
    first = launchIn(dataDir, port);
    running.push(first);
    const coldStartMs = await waitHealthy(url, first);
    console.log(`embedded cold start to healthy: ${(coldStartMs / 1000).toFixed(1)} s`);
    expect(first.output()).toMatch(/Geschäftsstelle: geschaeftsstelle@demo\.kleinstadt-tandem\.de \/ Demo-/);

    // Without HOST the web process listens on loopback only: one IPv4 socket on 127.0.0.1, held by the launcher, which
    // hands its connections to the web process (node:cluster; issue 29).
    const sockets = listeningOn(port);
    expect(sockets.map((s) => s.address)).toEqual(['127.0.0.1']);
    const holders = [first.proc.pid!, ...childPids(first.proc.pid!)].filter((pid) => socketInodes(pid).has(sockets[0].inode));
    expect(holders).toEqual([first.proc.pid]);
    expect(first.output()).toContain('Processes: 1 web and 1 worker (embedded mode: PGlite has one database session).');
    expect(first.output()).toMatch(/listening on 127\.0\.0\.1:\d+ \(this machine only\)/);
    expect(first.output()).not.toMatch(/WARNING: HOST=/);

    const health = await request(url).get('/health').expect(200);
    expect(health.body.details.mode).toMatchObject({ mode: 'embedded', queueBackend: 'postgres', mail: 'outbox' });
    expect(health.body.details.queue).toEqual({ status: 'up', backend: 'postgres' });
    expect(health.body.details.redis).toBeUndefined();

    // The first start loaded the whole bundled directory into PGlite: a real town that is no demo town is found.
    const loaded =
      /^Directory: (\d+) municipalities \(Stand [\d-]+\) loaded from the bundled file in ([\d.]+) s .*Quelle: Statistisches Bundesamt \(Destatis\)/m.exec(
        first.output(),
      );
    expect(Number(loaded?.[1])).toBe(10773);
    console.log(`embedded first start: bundled directory loaded in ${loaded?.[2]} s`);
    const [zschopau] = (await request(url).get('/api/municipalities').query({ q: 'Zschopau' }).expect(200)).body;
    expect(zschopau).toMatchObject({ ags: '14521690', name: 'Zschopau', stateName: 'Sachsen', population: 8980, registered: false });

    const [olbernhau] = (await request(url).get('/api/municipalities').query({ q: 'Olbernhau' }).expect(200)).body;
    expect(olbernhau).toMatchObject({ name: 'Olbernhau', stateName: 'Sachsen', registered: false });
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

    const id = await waitFor(
      async () => /href="\/outbox\/([0-9a-f-]{36})"/.exec((await request(url).get('/outbox').expect(200)).text)?.[1],
      {
        timeoutMs: 30_000,
        intervalMs: 200,
        what: 'the confirmation email in the outbox',
      },
    );
    const msg = await request(url).get(`/outbox/${id}`).expect(200);
    expect(msg.text).toContain('Bitte bestätigen Sie Ihre E-Mail-Adresse');
    // The link in the text version is a real link; the HTML version opens its links in the whole window.
    const link = /<a href="(http:\/\/127\.0\.0\.1:\d+\/bestaetigen\?token=[\w-]+)">/.exec(msg.text.replace(/&#x3D;/g, '='))?.[1];
    expect(link).toBeTruthy();
    const html = await request(url)
      .get(`/outbox/${id}/html`)
      .expect(200)
      .expect('content-security-policy', /sandbox/);
    expect(html.text).toMatch(/<head[^>]*><base target="_top">/);
    expect(html.text.replace(/&#x3D;/g, '=')).toContain(link);
    const token = new URL(link!).searchParams.get('token');
    await request(url).post('/api/auth/confirm').send({ token }).expect(200);

    const agent = request.agent(url);
    const login = await agent.post('/api/auth/login').send({ email: 'bm@olbernhau.test', password: PASSWORD }).expect(200);
    await agent
      .put(`/api/towns/${login.body.townId}/profile`)
      .send({
        topics: ['leerstand'],
        challenges: [{ topic: 'leerstand', text: 'Leere Läden im Zentrum', urgency: 3 }],
        experiences: [],
        description: 'Bergstadt.',
        capacity: 1,
      })
      .expect(200);
    // Bull Board reads Redis only: in this mode the office gets a page that says so (a mayor is refused first).
    await agent.get('/admin/queues').expect(403);
    const officePassword = /Geschäftsstelle: \S+ \/ (Demo-[\w-]+)/.exec(first.output())![1];
    const office = request.agent(url);
    await office
      .post('/api/auth/login')
      .send({ email: 'geschaeftsstelle@demo.kleinstadt-tandem.de', password: officePassword })
      .expect(200);
    expect((await office.get('/admin/queues').expect(503)).text).toContain('im eingebauten Modus (ohne Redis) nicht zur Verfügung');
    // Many connections share PGlite's one session: none of them may see another one's statement.
    expect(first.output()).not.toMatch(/bind message supplies|prepared statement|malformed array literal/);
  });

  it('refuses a second instance on the same data folder, a copy of the folder taken while it runs, and an unusable data folder', async () => {
    const second = launchIn(dataDir, await freePort());
    expect(await second.exited).not.toBe(0);
    expect(second.output()).toMatch(/Another Kleinstadt-Tandem instance \(PID \d+\) is already running on the data folder/);

    // A copy of the data folder taken while the service runs would start on possibly inconsistent files: refused.
    const copy = join(mkdtempSync(join(tmpdir(), 'kt-copy-')), 'data');
    execFileSync('cp', ['-a', dataDir, copy]);
    const fromCopy = launchIn(copy, await freePort());
    expect(await fromCopy.exited).not.toBe(0);
    expect(fromCopy.output()).toMatch(/was copied while Kleinstadt-Tandem was running on it .*`npm run db:dump -- backup\.sql`/);

    const file = join(tmpdir(), `kt-not-a-dir-${process.pid}`);
    writeFileSync(file, 'x');
    const third = launchIn(file, await freePort());
    expect(await third.exited).not.toBe(0);
    expect(third.output()).toMatch(/The data folder .* cannot be used/);
    await request(url).get('/health').expect(200); // the first one is untouched
  });

  it('keeps the data across a restart', async () => {
    await stop(first);
    const again = launchIn(dataDir, port);
    running.push(again);
    const warmMs = await waitHealthy(url, again);
    console.log(`embedded warm start to healthy: ${(warmMs / 1000).toFixed(1)} s`);
    expect(again.output()).not.toMatch(/Applied migrations/);
    expect(again.output()).not.toMatch(/^Directory: /m); // loaded once, on the first start
    const agent = request.agent(url);
    const me = await agent.post('/api/auth/login').send({ email: 'bm@olbernhau.test', password: PASSWORD }).expect(200);
    const town = await agent.get(`/api/towns/${me.body.townId}`).expect(200);
    expect(town.body.challenges).toMatchObject([{ topic: 'leerstand', text: 'Leere Läden im Zentrum', urgency: 3 }]);
    expect(again.output()).toMatch(/is ready \(embedded mode, [\d.]+ s\): http:\/\/127\.0\.0\.1:\d+\nPostausgang .*\/outbox/);
  });

  it('after a hard kill of the launcher: no orphaned web or worker, and the next start takes over the stale lock', async () => {
    const current = running[running.length - 1];
    const children = childPids(current.proc.pid!);
    expect(children).toHaveLength(2);
    current.proc.kill('SIGKILL');
    await current.exited;
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    // The children give a graceful stop 5 s before they exit anyway (launcher-child.ts); allow for a loaded machine.
    await waitFor(() => !children.some(alive), {
      timeoutMs: 30_000,
      intervalMs: 100,
      what: `web and worker (${children.join(', ')}) to exit`,
    });

    const next = launchIn(dataDir, port);
    running.push(next);
    await waitHealthy(url, next);
    await request.agent(url).post('/api/auth/login').send({ email: 'bm@olbernhau.test', password: PASSWORD }).expect(200);
  });
});

describe('embedded mode opened to the network with HOST=0.0.0.0', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kt-embedded-open-'));
  let launched: Launched;
  let url: string;

  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`; // all traffic goes to loopback, even though the socket listens wider
    launched = launchIn(dataDir, port, { HOST: '0.0.0.0' });
    await waitHealthy(url, launched);
  });
  afterAll(async () => {
    if (launched) await stop(launched);
  });

  it('warns in one line, closes the outbox to anonymous visitors and town accounts, and opens it to the office', async () => {
    const port = Number(new URL(url).port);
    expect(listeningOn(port).map((s) => s.address)).toEqual(['0.0.0.0']);
    const warnings = launched
      .output()
      .split('\n')
      .filter((l) => l.startsWith('WARNING: HOST=0.0.0.0 opens the service to the network'));
    expect(warnings).toHaveLength(1);

    // A registration puts a confirmation link into the outbox: exactly what a stranger must not read.
    const [town] = (await request(url).get('/api/municipalities').query({ q: 'Olbernhau' }).expect(200)).body;
    await request(url)
      .post('/api/auth/register')
      .send({
        ags: town.ags,
        email: 'bm@olbernhau.test',
        password: PASSWORD,
        displayName: 'Jörg Klaus',
        contactFunction: 'mayor',
        privacyAccepted: true,
      })
      .expect(201);

    const anonymous = await request(url).get('/outbox');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.location).toBe('/anmelden?next=%2Foutbox');
    const home = await request(url).get('/').expect(200);
    expect(home.text).not.toContain('href="/outbox"');

    const logins = Object.fromEntries(
      [...launched.output().matchAll(/^\s*(.+?): (\S+@\S+) \/ (\S+)$/gm)].map((m) => [m[1], { email: m[2], password: m[3] }]),
    );
    const office = logins['Geschäftsstelle'];
    expect(office).toBeTruthy();
    const townLogin = Object.entries(logins).find(([k]) => k !== 'Geschäftsstelle')?.[1];
    expect(townLogin).toBeTruthy();

    const townAgent = request.agent(url);
    await townAgent.post('/api/auth/login').send(townLogin).expect(200);
    await townAgent.get('/outbox').expect(403);

    const agent = request.agent(url);
    await agent.post('/api/auth/login').send(office).expect(200);
    const list = await waitFor(
      async () => {
        const page = await agent.get('/outbox').expect(200);
        return /href="\/outbox\/[0-9a-f-]{36}"/.test(page.text) ? page.text : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200, what: 'a message in the outbox' },
    );
    expect(list).toContain('href="/outbox"'); // the office sees the link in its navigation
    const id = /href="\/outbox\/([0-9a-f-]{36})"/.exec(list)![1];
    const msg = await agent.get(`/outbox/${id}`).expect(200);
    expect(msg.text).toContain('Bitte bestätigen Sie Ihre E-Mail-Adresse');
    // The message and its HTML version are closed too, not only the list.
    expect((await request(url).get(`/outbox/${id}`)).status).toBe(303);
    expect((await request(url).get(`/outbox/${id}/html`)).status).toBe(303);
    await townAgent.get(`/outbox/${id}/html`).expect(403);
  });
});
