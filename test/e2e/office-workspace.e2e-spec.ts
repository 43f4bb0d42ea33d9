import request from 'supertest';
import { DataSource } from 'typeorm';
import { openDataSource } from '../../src/database/data-source';
import { withCommands } from '../../src/commands/run-command';
import { DemoSeedService } from '../../src/commands/seeds/demo-seed.service';
import { DEMO_MAYOR_EMAIL, DEMO_OFFICE_EMAIL } from '../../src/commands/seeds/demo-logins.util';
import { registerConfirmAndLogin } from '../factories/accounts.factory';
import { computeMatching, contactOf } from '../factories/tandems.factory';
import { bootApp, TestApp } from '../utils/boot-app';
import { formToken } from '../utils/csrf';

type Agent = ReturnType<typeof request.agent>;
const BRUNSBUETTEL_AGS = '01051011';

/** Reads a text/csv body as raw bytes, so the BOM and the encoding are checked as Excel would see them. */
const rawBody = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};
const parseCsv = (buf: Buffer) =>
  buf
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimEnd()
    .split('\r\n')
    .map((l) => l.split(';'));
const cell = (html: string, re: RegExp) => {
  const m = re.exec(html);
  if (!m) throw new Error(`Not on the page: ${re}`);
  return Number(m[1].replace(/\./g, ''));
};

describe('the office workspace: overview figures, towns, audit trail, CSV exports (real PostgreSQL, seeded demo data)', () => {
  let t: TestApp;
  let ds: DataSource;
  let office: Agent;
  let contact: Agent;
  let seelowId: string;

  beforeAll(async () => {
    t = await bootApp('office');
    ds = await openDataSource(t.databaseUrl);
    const seed = await withCommands((c) => c.get(DemoSeedService).seed());
    await computeMatching(t, ['suggestions']);
    office = request.agent(t.url);
    await office.post('/api/auth/login').send({ email: DEMO_OFFICE_EMAIL, password: seed.logins[0].password }).expect(200);
    // A registration waiting for the office (a town with an umlaut in its name), whose contact is a plain town contact.
    contact = (await registerConfirmAndLogin(t, BRUNSBUETTEL_AGS, 'bgm@brunsbuettel.test')).agent;
    // A tandem waiting for approval: Seelow asks its first suggestion, the partner accepts.
    const seelow = request.agent(t.url);
    seelowId = (await seelow.post('/api/auth/login').send({ email: DEMO_MAYOR_EMAIL, password: seed.logins[1].password }).expect(200)).body
      .townId;
    const partner = (await seelow.get(`/api/towns/${seelowId}/suggestions`).expect(200)).body.suggestions[0].partner;
    const pc = await contactOf(t, ds, partner.id, 'bgm@partner-office.test', 'Petra Partner');
    const id = (await seelow.post('/api/tandems').send({ partnerTownId: partner.id, message: 'Gern würden wir lernen.' }).expect(201)).body
      .id;
    await pc.agent.post(`/api/tandems/${id}/accept`).send({}).expect(200);
    // A second request that stays open, between two other towns, and one mail that could not be delivered.
    const [x, y] = await ds.query(`SELECT id FROM town WHERE status = 'verified' AND id <> ALL($1) ORDER BY ags LIMIT 2`, [
      [seelowId, partner.id],
    ]);
    const xc = await contactOf(t, ds, x.id, 'bgm@dritte.test', 'Dora Dritte');
    const second = await xc.agent.post('/api/tandems').send({ partnerTownId: y.id, message: 'Zweite Anfrage.' });
    expect({ status: second.status, body: second.body }).toMatchObject({ status: 201 });
    await ds.query(`INSERT INTO mail_delivery (dedupe_key, recipient, template, status, attempts, subject, last_error)
      VALUES ('test:failed:1', 'nicht-da@example.test', 'town-verified', 'failed', 5, 'Ihre Registrierung ist bestätigt', '550 mailbox unavailable')`);
    // Workshops in three states (the figures only count; the workshop lifecycle has its own e2e): one published this month
    // with four acceptances (waits for confirmation), one held forty days ago, one draft without a date.
    const four: { id: string }[] = await ds.query(`SELECT id FROM town WHERE status = 'verified' ORDER BY ags LIMIT 4`);
    const [topic] = await ds.query(`SELECT slug FROM topic ORDER BY slug LIMIT 1`);
    const [w1] = await ds.query(
      `INSERT INTO workshop (theme_slug, title, starts_at, state) VALUES ($1, 'Leerstand überwinden', now(), 'invited') RETURNING id`,
      [topic.slug],
    );
    for (const town of four)
      await ds.query(`INSERT INTO workshop_invitation (workshop_id, town_id, state) VALUES ($1, $2, 'accepted')`, [w1.id, town.id]);
    await ds.query(
      `INSERT INTO workshop (theme_slug, title, starts_at, state) VALUES ($1, 'Gehaltene Werkstatt', now() - interval '40 days', 'held')`,
      [topic.slug],
    );
    await ds.query(`INSERT INTO workshop (theme_slug, title, state) VALUES ($1, 'Entwurf', 'draft')`, [topic.slug]);
  });
  afterAll(async () => {
    await ds?.destroy();
    await t?.close();
  });

  it('only office and admin reach the workspace: anonymous visitors go to the login, town contacts get 403', async () => {
    const paths = [
      '/geschaeftsstelle',
      '/geschaeftsstelle/kommunen',
      `/geschaeftsstelle/kommunen/${seelowId}`,
      '/geschaeftsstelle/protokoll',
      '/geschaeftsstelle/kommunen/export.csv',
      '/geschaeftsstelle/tandems/export.csv',
      '/geschaeftsstelle/werkstaetten/export.csv',
    ];
    for (const path of paths) {
      const anon = await request(t.url).get(path).expect(303);
      expect(anon.headers.location).toBe(`/anmelden?next=${encodeURIComponent(path)}`);
      const denied = await contact.get(path).expect(403);
      expect(denied.text).toContain('Sie haben keine Berechtigung für diese Seite.');
      await office.get(path).expect(200);
    }
  });

  it('the start page shows what needs doing and the network figures, equal to counts taken straight from the database', async () => {
    const html = (await office.get('/geschaeftsstelle').expect(200)).text;
    const [todo] = await ds.query(`SELECT
      (SELECT count(*)::int FROM town WHERE status = 'pending') AS pending,
      (SELECT count(*)::int FROM tandem WHERE state = 'accepted') AS approvals,
      (SELECT count(*)::int FROM mail_delivery WHERE status = 'failed') AS failed`);
    expect(todo).toEqual({ pending: 1, approvals: 1, failed: 1 });
    expect(cell(html, /data-todo="registrations"><span class="big">([\d.]+)<\/span> <a href="\/geschaeftsstelle\/registrierungen">/)).toBe(
      todo.pending,
    );
    expect(cell(html, /data-todo="approvals"><span class="big">([\d.]+)<\/span> <a href="\/geschaeftsstelle\/tandems\/freigaben">/)).toBe(
      todo.approvals,
    );
    expect(cell(html, /data-todo="failed-mails"><span class="big">([\d.]+)</)).toBe(todo.failed);
    expect(html).toContain('nicht-da@example.test');

    // Towns by state and size class, computed independently with SQL buckets.
    const byState: { code: string; total: number; small: number; k1: number; k2: number; big: number }[] = await ds.query(`
      SELECT m.state_code AS code, count(*)::int AS total,
        count(*) FILTER (WHERE m.population < 5000)::int AS small,
        count(*) FILTER (WHERE m.population BETWEEN 5000 AND 9999)::int AS k1,
        count(*) FILTER (WHERE m.population BETWEEN 10000 AND 19999)::int AS k2,
        count(*) FILTER (WHERE m.population >= 20000)::int AS big
      FROM town t JOIN municipality m USING (ags) WHERE t.status = 'verified' GROUP BY m.state_code`);
    expect(byState.length).toBeGreaterThan(5);
    for (const s of byState) {
      const row = new RegExp(`<tr data-state="${s.code}">(.*?)</tr>`).exec(html)![1];
      const nums = [...row.matchAll(/<td[^>]*>([\d.]+)<\/td>/g)].map((m) => Number(m[1].replace(/\./g, '')));
      expect({ code: s.code, nums }).toEqual({ code: s.code, nums: [s.small, s.k1, s.k2, s.big, s.total] });
    }
    const [all] = await ds.query(`SELECT count(*)::int AS n FROM town WHERE status = 'verified'`);
    expect(cell(html, /data-figure="towns-total">([\d.]+)</)).toBe(all.n);

    // Topics as challenge vs experience.
    const topics: { slug: string; c: number; e: number }[] = await ds.query(`
      SELECT tp.slug, count(DISTINCT c.town_id) FILTER (WHERE tc.status = 'verified')::int AS c, 0 AS e FROM topic tp
        LEFT JOIN town_challenge c ON c.topic_slug = tp.slug LEFT JOIN town tc ON tc.id = c.town_id GROUP BY tp.slug`);
    const exp: { slug: string; n: number }[] = await ds.query(`
      SELECT e.topic_slug AS slug, count(DISTINCT e.town_id)::int AS n FROM town_experience e JOIN town t ON t.id = e.town_id
      WHERE t.status = 'verified' GROUP BY e.topic_slug`);
    let shown = 0;
    for (const tp of topics) {
      const e = exp.find((x) => x.slug === tp.slug)?.n ?? 0;
      const row = new RegExp(`<tr data-topic="${tp.slug}">(.*?)</tr>`).exec(html);
      if (tp.c + e === 0) {
        expect(row).toBeNull();
        continue;
      }
      shown++;
      expect({ slug: tp.slug, c: cell(row![1], /data-challenge>(\d+)</), e: cell(row![1], /data-experience>(\d+)</) }).toEqual({
        slug: tp.slug,
        c: tp.c,
        e,
      });
    }
    expect(shown).toBeGreaterThan(5);

    // Tandems by state.
    const tandems: { state: string; n: number }[] = await ds.query(`SELECT state, count(*)::int AS n FROM tandem GROUP BY state`);
    expect(tandems.sort((a, b) => a.state.localeCompare(b.state))).toEqual([
      { state: 'accepted', n: 1 },
      { state: 'requested', n: 1 },
    ]);
    for (const s of tandems)
      expect(cell(html, new RegExp(`data-tandem-state="${s.state}"><th scope="row">[^<]+</th><td data-label="Anzahl">(\\d+)<`))).toBe(s.n);
    expect(cell(html, /data-figure="tandems-total">([\d.]+)</)).toBe(2);
    // New tandems month by month (Berlin months), the last twelve.
    const months: { month: string; n: number }[] = await ds.query(
      `SELECT to_char(created_at AT TIME ZONE 'Europe/Berlin', 'YYYY-MM') AS month, count(*)::int AS n FROM tandem GROUP BY 1`,
    );
    const monthRows = [
      ...html.matchAll(/<tr data-month="(\d{4}-\d{2})"><th scope="row">([^<]+)<\/th><td data-label="neue Tandems">(\d+)</g),
    ];
    expect(monthRows).toHaveLength(12);
    const thisMonth = new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Berlin' }).slice(0, 7);
    expect(monthRows[11][1]).toBe(thisMonth);
    expect(monthRows[11][2]).toBe(new Date().toLocaleDateString('de-DE', { month: 'long', year: 'numeric', timeZone: 'Europe/Berlin' }));
    for (const r of monthRows)
      expect({ month: r[1], n: Number(r[3]) }).toEqual({ month: r[1], n: months.find((m) => m.month === r[1])?.n ?? 0 });
    expect(monthRows.reduce((s, r) => s + Number(r[3]), 0)).toBe(2);
    // Charts: accessible SVG with a title, next to their tables; no raw state codes as text.
    // Workshops by state and month by month (the month of their date; drafts and cancelled ones do not count there).
    const wStates: { state: string; n: number }[] = await ds.query(`SELECT state, count(*)::int AS n FROM workshop GROUP BY state`);
    expect(wStates.length).toBe(3);
    for (const s of wStates)
      expect(cell(html, new RegExp(`data-workshop-state="${s.state}"><th scope="row">[^<]+</th><td data-label="Anzahl">(\\d+)<`))).toBe(
        s.n,
      );
    expect(cell(html, /data-figure="workshops-total">([\d.]+)</)).toBe(wStates.reduce((a, s) => a + s.n, 0));
    const wMonths: { month: string; n: number }[] = await ds.query(
      `SELECT to_char(starts_at AT TIME ZONE 'Europe/Berlin', 'YYYY-MM') AS month, count(*)::int AS n FROM workshop
       WHERE state NOT IN ('draft', 'cancelled') GROUP BY 1`,
    );
    const wRows = [...html.matchAll(/<tr data-month="(\d{4}-\d{2})"><th scope="row">[^<]+<\/th><td data-label="Werkstätten">(\d+)</g)];
    expect(wRows).toHaveLength(12);
    for (const r of wRows)
      expect({ month: r[1], n: Number(r[2]) }).toEqual({ month: r[1], n: wMonths.find((m) => m.month === r[1])?.n ?? 0 });
    expect(wRows.reduce((a, r) => a + Number(r[2]), 0)).toBe(2);
    const [toConfirm] = await ds.query(`SELECT count(*)::int AS n FROM workshop w WHERE state = 'invited'
      AND (SELECT count(*) FROM workshop_invitation i WHERE i.workshop_id = w.id AND i.state = 'accepted') >= 4`);
    expect(toConfirm.n).toBe(1);
    expect(cell(html, /data-todo="workshops"><span class="big">(\d+)</)).toBe(toConfirm.n);
    expect(html.match(/<svg [^>]*role="img" aria-labelledby=/g)).toHaveLength(7); // six charts and the map
    expect(html).toContain('<title id="chart-best-tigte-kommunen-je-bundesland-t">Bestätigte Kommunen je Bundesland</title>');
    expect(html).not.toMatch(/>\s*(accepted|requested|verified|pending)\s*</);
  });

  it('the towns CSV has a BOM, `;` between fields, intact umlauts, and one row per town with the database figures', async () => {
    const res = await office.get('/geschaeftsstelle/kommunen/export.csv').buffer(true).parse(rawBody).expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="kommunen-\d{4}-\d{2}-\d{2}\.csv"$/);
    const buf = res.body as Buffer;
    expect([...buf.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(buf);
    expect(rows[0].slice(0, 7)).toEqual(['AGS', 'Kommune', 'Bundesland', 'Kreis', 'Einwohner', 'Größenklasse', 'Status']);
    const db: { ags: string; name: string; population: number; status: string; contacts: number }[] = await ds.query(`
      SELECT t.ags, m.name, m.population, t.status::text AS status, (SELECT count(*)::int FROM user_account u WHERE u.town_id = t.id) AS contacts
      FROM town t JOIN municipality m USING (ags) ORDER BY t.ags`);
    expect(rows.length - 1).toBe(db.length);
    const byAgs = new Map(rows.slice(1).map((r) => [r[0], r]));
    for (const d of db) {
      const r = byAgs.get(d.ags)!;
      expect({ ags: d.ags, name: r[1], population: Number(r[4]), contacts: Number(r[12]) }).toEqual({
        ags: d.ags,
        name: d.name,
        population: d.population,
        contacts: d.contacts,
      });
    }
    expect(byAgs.get(BRUNSBUETTEL_AGS)!.slice(1, 3)).toEqual(['Brunsbüttel', 'Schleswig-Holstein']);
    expect(byAgs.get(BRUNSBUETTEL_AGS)![6]).toBe('wartet auf Prüfung');
    const statusCounts = rows.slice(1).reduce<Record<string, number>>((acc, r) => ({ ...acc, [r[6]]: (acc[r[6]] ?? 0) + 1 }), {});
    const [counts] = await ds.query(
      `SELECT count(*) FILTER (WHERE status = 'verified')::int AS v, count(*) FILTER (WHERE status = 'pending')::int AS p FROM town`,
    );
    expect(statusCounts).toEqual({ bestätigt: counts.v, 'wartet auf Prüfung': counts.p });
  });

  it('the tandems CSV lists every tandem with German labels', async () => {
    const res = await office.get('/geschaeftsstelle/tandems/export.csv').buffer(true).parse(rawBody).expect(200);
    const buf = res.body as Buffer;
    expect([...buf.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(buf);
    expect(rows[0]).toEqual([
      'Kommune A',
      'Bundesland A',
      'Kommune B',
      'Bundesland B',
      'Thema',
      'Herkunft',
      'Stand',
      'Angelegt am',
      'Letzte Änderung',
      'Bewertung A (1–5)',
      'Übernommen A',
      'Veröffentlichen erlaubt A',
      'Bewertung B (1–5)',
      'Übernommen B',
      'Veröffentlichen erlaubt B',
    ]);
    // No tandem here has a result yet: the result columns stay empty (tandem-practice.e2e-spec.ts fills them).
    expect(rows.slice(1).every((r) => r.slice(9).every((c) => c === ''))).toBe(true);
    const [n] = await ds.query(`SELECT count(*)::int AS n FROM tandem`);
    expect(rows.length - 1).toBe(n.n);
    expect(
      rows
        .slice(1)
        .map((r) => r[6])
        .sort(),
    ).toEqual(['angefragt', 'angenommen, wartet auf Freigabe']);
    expect(rows.slice(1).every((r) => r[5] === 'Anfrage einer Kommune')).toBe(true);
    expect(rows.slice(1).some((r) => r[0] === 'Seelow')).toBe(true);
  });

  it('the workshops CSV lists every workshop with German labels and the towns that accepted', async () => {
    const res = await office.get('/geschaeftsstelle/werkstaetten/export.csv').buffer(true).parse(rawBody).expect(200);
    const buf = res.body as Buffer;
    expect([...buf.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(buf);
    expect(rows[0]).toEqual([
      'Titel',
      'Thema',
      'Termin',
      'Format',
      'Gastgebende Kommune',
      'Stand',
      'Eingeladen',
      'Zugesagt',
      'Abgesagt',
      'Angelegt am',
    ]);
    const [n] = await ds.query(`SELECT count(*)::int AS n FROM workshop`);
    expect(rows.length - 1).toBe(n.n);
    const open = rows.find((r) => r[0] === 'Leerstand überwinden')!;
    const accepted: { name: string }[] = await ds.query(
      `SELECT m.name FROM workshop_invitation i JOIN workshop w ON w.id = i.workshop_id JOIN town t ON t.id = i.town_id
       JOIN municipality m ON m.ags = t.ags WHERE w.title = 'Leerstand überwinden' AND i.state = 'accepted' ORDER BY m.name`,
    );
    expect({ invited: open[6], accepted: open[7].split(', ').sort(), format: open[3] }).toEqual({
      invited: '4',
      accepted: accepted.map((a) => a.name).sort(),
      format: 'online',
    });
    expect(
      rows
        .slice(1)
        .map((r) => r[5])
        .sort(),
    ).toEqual(['Entwurf', 'durchgeführt', 'eingeladen'].sort());
  });

  it('the towns list filters by search, state, size class, topic, status and opt-out, each matching the database', async () => {
    const count = async (qs: string) =>
      cell((await office.get(`/geschaeftsstelle/kommunen?${qs}`).expect(200)).text, /data-figure="town-count">(\d+)</);
    const q = async (sql: string, params: unknown[] = []) =>
      (await ds.query(`SELECT count(*)::int AS n FROM town t JOIN municipality m USING (ags) WHERE ${sql}`, params))[0].n;
    expect(await count('')).toBe(await q('true'));
    expect(await count('q=see')).toBe(await q(`m.name ILIKE '%see%' OR m.district_name ILIKE '%see%'`));
    expect(await count('q=see')).toBeGreaterThan(0);
    expect(await count('land=12')).toBe(await q(`m.state_code = '12'`));
    expect(await count('groesse=groessere-kleinstadt')).toBe(await q('m.population >= 10000 AND m.population < 20000'));
    expect(await count('status=pending')).toBe(1);
    await ds.query(`UPDATE town SET opted_out = true WHERE id = $1`, [seelowId]);
    expect(await count('abgemeldet=ja')).toBe(1);
    expect(await count('abgemeldet=nein')).toBe(await q('NOT t.opted_out'));
    await ds.query(`UPDATE town SET opted_out = false WHERE id = $1`, [seelowId]);
    const [topic] = await ds.query(`SELECT topic_slug AS slug FROM town_challenge GROUP BY topic_slug ORDER BY count(*) DESC LIMIT 1`);
    expect(await count(`thema=${topic.slug}`)).toBe(
      await q(
        `EXISTS (SELECT 1 FROM town_topic x WHERE x.town_id = t.id AND x.topic_slug = $1)
      OR EXISTS (SELECT 1 FROM town_challenge x WHERE x.town_id = t.id AND x.topic_slug = $1) OR EXISTS (SELECT 1 FROM town_experience x WHERE x.town_id = t.id AND x.topic_slug = $1)`,
        [topic.slug],
      ),
    );
    expect(await count(`land=12&groesse=kleine-kleinstadt&status=verified`)).toBe(
      await q(`m.state_code = '12' AND m.population BETWEEN 5000 AND 9999 AND t.status = 'verified'`),
    );
    // The CSV follows the same filter.
    const csv = parseCsv(
      (await office.get('/geschaeftsstelle/kommunen/export.csv?land=12').buffer(true).parse(rawBody).expect(200)).body as Buffer,
    );
    expect(csv.length - 1).toBe(await q(`m.state_code = '12'`));
    // Malformed filters: a German 400, never a 5xx.
    for (const bad of [
      'land=xx',
      'groesse=riesig',
      'thema=gibt-es-nicht',
      'status=weird',
      'abgemeldet=vielleicht',
      `q=${'x'.repeat(101)}`,
    ]) {
      const res = await office.get(`/geschaeftsstelle/kommunen?${bad}`).expect(400);
      expect(res.text).toMatch(/gibt es nicht|zu lang|„ja“ oder „nein“/);
    }
  });

  it('a town page shows facts, the full profile whatever its visibility, contacts, tandems and the audit trail', async () => {
    await ds.query(`UPDATE town SET visibility = '{"description": "office"}'::jsonb WHERE id = $1`, [seelowId]);
    const [town] = await ds.query(`SELECT t.description, m.name FROM town t JOIN municipality m USING (ags) WHERE t.id = $1`, [seelowId]);
    const html = (await office.get(`/geschaeftsstelle/kommunen/${seelowId}`).expect(200)).text;
    expect(html).toContain(`<h1>${town.name}</h1>`);
    expect(town.description.length).toBeGreaterThan(10);
    expect(html).toContain(town.description.slice(0, 40).replace(/&/g, '&amp;'));
    expect(html).toContain('Beschreibung: nur Geschäftsstelle');
    expect(html).toContain('Bürgermeister Seelow (Demo) (Bürgermeisterin / Bürgermeister)');
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM tandem WHERE town_a = $1 OR town_b = $1`, [seelowId]);
    expect((html.match(/<li><a href="\/tandems\//g) ?? []).length).toBe(n);
    expect(html).toContain('Tandem angefragt');
    await office.get('/geschaeftsstelle/kommunen/00000000-0000-4000-8000-000000000000').expect(404);
    await office.get('/geschaeftsstelle/kommunen/keine-id').expect(400);
  });

  it('the audit trail filters by town, actor, action and period, with German labels only', async () => {
    // Workshop events (issue 25: once "Sonstige Änderung" with no subject): labelled, named and linked.
    const [w] = await ds.query(`SELECT id FROM workshop WHERE title = 'Leerstand überwinden'`);
    await ds.query(
      `INSERT INTO audit_log (actor_id, action, subject_type, subject_id, data)
       VALUES (NULL, 'workshop.created', 'workshop', $1, '{}'), (NULL, 'workshop.invite', 'workshop', $1, jsonb_build_object('townId', $2::text))`,
      [w.id, seelowId],
    );
    const trail = (await office.get('/geschaeftsstelle/protokoll').expect(200)).text;
    expect(trail).not.toContain('Sonstige Änderung');
    expect(trail).toContain(
      `<strong>Werkstatt als Entwurf angelegt</strong> · <a href="/geschaeftsstelle/werkstaetten/${w.id}">Transferwerkstatt „Leerstand überwinden“</a>`,
    );
    expect(trail).toContain('<strong>Kommune zur Werkstatt eingeladen</strong>');
    const count = async (qs: string) => {
      const html = (await office.get(`/geschaeftsstelle/protokoll?${qs}`).expect(200)).text;
      expect(html).not.toMatch(/>\s*(town|tandem|user|workshop|contact)\.[a-z_]+\s*</);
      return cell(html, /data-figure="audit-count">(\d+)</);
    };
    const one = async (sql: string, params: unknown[] = []) =>
      (await ds.query(`SELECT count(*)::int AS n FROM audit_log a WHERE ${sql}`, params))[0].n;
    expect(await count('')).toBe(await one('true'));
    expect(await count('aktion=tandem.requested')).toBe(2);
    expect(await count('aktion=workshop.created')).toBe(1);
    expect(await count('aktion=town.registered')).toBe(await one(`action = 'town.registered'`));
    const [mayor] = await ds.query(`SELECT id FROM user_account WHERE email = $1`, [DEMO_MAYOR_EMAIL]);
    expect(await count(`akteur=${mayor.id}`)).toBe(await one('actor_id = $1', [mayor.id]));
    expect(await count(`akteur=${mayor.id}`)).toBe(1);
    expect(await count(`kommune=${seelowId}`)).toBe(
      await one(
        `(subject_type = 'town' AND subject_id = $1::text)
      OR (subject_type = 'tandem' AND subject_id IN (SELECT id::text FROM tandem WHERE town_a = $1::uuid OR town_b = $1::uuid))
      OR (subject_type = 'workshop' AND data->>'townId' = $1::text)`,
        [seelowId],
      ),
    );
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Berlin' });
    expect(await count(`von=${today}&bis=${today}`)).toBe(await one('true'));
    expect(await count('bis=2000-01-01')).toBe(0);
    const html = (await office.get('/geschaeftsstelle/protokoll?aktion=tandem.accept').expect(200)).text;
    expect(html).toContain('<strong>Tandem angenommen</strong>');
    for (const bad of ['von=2024-13-45', 'bis=morgen', 'kommune=42', 'akteur=x', 'aktion=drop.table', 'von=2025-02-01&bis=2025-01-01']) {
      await office.get(`/geschaeftsstelle/protokoll?${bad}`).expect(400);
    }
  });

  it('the office keeps internal notes on a town (CSRF-protected form, German messages, audit row); towns cannot add any', async () => {
    const page = `/geschaeftsstelle/kommunen/${seelowId}`;
    const token = await formToken(office, page);
    const empty = await office.post(`${page}/notizen`).type('form').send({ _csrf: token, text: '   ' }).expect(400);
    expect(empty.text).toContain('Bitte schreiben Sie eine Notiz.');
    const long = await office
      .post(`${page}/notizen`)
      .type('form')
      .send({ _csrf: token, text: 'ä'.repeat(2001) })
      .expect(400);
    expect(long.text).toContain('Die Notiz ist zu lang (2001 Zeichen, höchstens 2000).');
    expect(long.text).toContain('ä'.repeat(2001)); // the draft stays in the form
    expect(await ds.query(`SELECT count(*)::int AS n FROM office_note`)).toEqual([{ n: 0 }]);

    const saved = await office
      .post(`${page}/notizen`)
      .type('form')
      .send({ _csrf: token, text: 'Rückruf im März vereinbart <b>wichtig</b>' })
      .expect(303);
    expect(saved.headers.location).toBe(`${page}?notiz=gespeichert#notizen-h`);
    const html = (await office.get(`${page}?notiz=gespeichert`).expect(200)).text;
    expect(html).toContain('Die Notiz wurde gespeichert.');
    expect(html).toContain('Rückruf im März vereinbart &lt;b&gt;wichtig&lt;/b&gt;');
    expect(html).toContain('<strong>Notiz der Geschäftsstelle hinzugefügt</strong>');
    expect(
      await ds.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'town.note_added' AND subject_id = $1`, [seelowId]),
    ).toEqual([{ n: 1 }]);

    await office
      .post('/geschaeftsstelle/kommunen/00000000-0000-4000-8000-000000000000/notizen')
      .type('form')
      .send({ _csrf: token, text: 'x' })
      .expect(404);
    const contactToken = await formToken(contact, '/meine-kommune');
    await contact.post(`${page}/notizen`).type('form').send({ _csrf: contactToken, text: 'Von einer Kommune' }).expect(403);
    await request(t.url)
      .post(`${page}/notizen`)
      .type('form')
      .send({ text: 'anonym' })
      .expect((r) => expect([303, 403]).toContain(r.status));
    expect(await ds.query(`SELECT count(*)::int AS n FROM office_note`)).toEqual([{ n: 1 }]);
  });
});
