import request from 'supertest';
import { DataSource } from 'typeorm';
import { openDataSource } from '../../src/database/data-source';
import { withCommands } from '../../src/commands/run-command';
import { DemoSeedService } from '../../src/commands/seeds/demo-seed.service';
import { DEMO_MAYOR_EMAIL, DEMO_OFFICE_EMAIL } from '../../src/commands/seeds/demo-logins.util';
import { registerConfirmAndLogin } from '../factories/accounts.factory';
import { computeMatching, contactOf } from '../factories/tandems.factory';
import { MatchingService } from '../../src/matching/matching.service';
import { MatchingRunner } from '../../src/matching/runs/matching-runner.service';
import { bootApp, TestApp } from '../utils/boot-app';

type Agent = ReturnType<typeof request.agent>;
const BRUNSBUETTEL_AGS = '01051011';

const rawBody = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};
const num = (s: string) => Number(s.replace(/\./g, ''));

/** One table of the report page: data-key → label and numbers. */
function pageTable(html: string, id: string): Map<string, { label: string; values: number[] }> {
  const table = new RegExp(`<table class="kern-table reflow" id="bz-table-${id}">([\\s\\S]*?)</table>`).exec(html);
  if (!table) throw new Error(`No table ${id} on the page`);
  const rows = new Map<string, { label: string; values: number[] }>();
  for (const m of table[1].matchAll(/<tr data-key="([^"]+)"[^>]*><th scope="row">([^<]*)<\/th>(.*?)<\/tr>/g))
    rows.set(m[1], { label: m[2].replace(/&amp;/g, '&'), values: [...m[3].matchAll(/<td[^>]*>([\d.]+)<\/td>/g)].map((x) => num(x[1])) });
  return rows;
}

/** The CSV's sections: title line → rows (label → numbers). */
function csvSections(text: string): Map<string, Map<string, number[]>> {
  const sections = new Map<string, Map<string, number[]>>();
  const blocks = text
    .replace(/^\uFEFF/, '')
    .trimEnd()
    .split('\r\n\r\n');
  for (const block of blocks.slice(1)) {
    const lines = block.split('\r\n').map((l) => l.split(';'));
    const title = lines[0][0];
    const start = lines.findIndex((l) => l.length > 1); // the header line
    const rows = new Map(lines.slice(start + 1).map((l) => [l[0], l.slice(1).map(Number)] as [string, number[]]));
    sections.set(title, rows);
  }
  return sections;
}

describe("office workspace: Berichtszahlen (page and CSV, two years) and a town's suggestions (real PostgreSQL, seeded demo data)", () => {
  let t: TestApp;
  let ds: DataSource;
  let office: Agent;
  let contact: Agent;
  let seelow: Agent;
  let seelowId: string;
  const thisYear = Number(new Date().toLocaleDateString('en-CA', { timeZone: 'Europe/Berlin' }).slice(0, 4));
  const lastYear = thisYear - 1;

  beforeAll(async () => {
    t = await bootApp('officereport');
    ds = await openDataSource(t.databaseUrl);
    const seed = await withCommands((c) => c.get(DemoSeedService).seed());
    await computeMatching(t, ['suggestions']);
    office = request.agent(t.url);
    await office.post('/api/auth/login').send({ email: DEMO_OFFICE_EMAIL, password: seed.logins[0].password }).expect(200);
    contact = (await registerConfirmAndLogin(t, BRUNSBUETTEL_AGS, 'bgm@brunsbuettel-bericht.test')).agent;
    // This year: Seelow asks its first suggestion, the partner accepts.
    seelow = request.agent(t.url);
    seelowId = (await seelow.post('/api/auth/login').send({ email: DEMO_MAYOR_EMAIL, password: seed.logins[1].password }).expect(200)).body
      .townId;
    const partner = (await seelow.get(`/api/towns/${seelowId}/suggestions`).expect(200)).body.suggestions[0].partner;
    const pc = await contactOf(t, ds, partner.id, 'bgm@partner-bericht.test', 'Petra Partner');
    const id = (await seelow.post('/api/tandems').send({ partnerTownId: partner.id, message: 'Gern.' }).expect(201)).body.id;
    await pc.agent.post(`/api/tandems/${id}/accept`).send({}).expect(200);

    // Last year's history: six towns joined last year, two of them right at the turn of the year (Berlin time):
    // 31.12. 23:30 in Berlin still counts for last year, 1.1. 00:30 for this year.
    const towns: { id: string }[] = await ds.query(
      `SELECT t.id FROM town t WHERE t.status = 'verified' AND t.id <> ALL($1) ORDER BY t.ags LIMIT 6`,
      [[seelowId, partner.id]],
    );
    const decided = [
      `${lastYear}-03-10T10:00:00Z`,
      `${lastYear}-06-15T10:00:00Z`,
      `${lastYear}-09-01T10:00:00Z`,
      `${lastYear}-11-20T10:00:00Z`,
      `${lastYear}-12-31T22:30:00Z`, // 23:30 Berlin, last year
      `${lastYear}-12-31T23:30:00Z`, // 00:30 Berlin on 1 January, this year
    ];
    for (const [i, tw] of towns.entries())
      await ds.query(
        `UPDATE town SET created_at = $2::timestamptz - interval '10 days', decided_at = $2, profile_updated_at = $2 WHERE id = $1`,
        [tw.id, decided[i]],
      );
    // Two tandems of last year: one concluded (office proposal), one declined; and a rejected registration.
    const [topic] = await ds.query(`SELECT slug FROM topic ORDER BY sort_order LIMIT 1`);
    await ds.query(
      `INSERT INTO tandem (town_a, town_b, topic_slug, origin, state, created_at, state_changed_at)
       VALUES ($1, $2, $5, 'office_proposal', 'concluded', '${lastYear}-04-01T10:00:00Z', '${lastYear}-10-01T10:00:00Z'),
              ($3, $4, $5, 'request', 'declined', '${lastYear}-07-01T10:00:00Z', '${lastYear}-07-05T10:00:00Z')`,
      [towns[0].id, towns[1].id, towns[2].id, towns[3].id, topic.slug],
    );
    // Workshops: one documented last year (four towns accepted, one declined), one cancelled this year.
    const [ws] = await ds.query(
      `INSERT INTO workshop (theme_slug, title, starts_at, duration_minutes, format, address, online_link, state, sequence, state_changed_at)
       VALUES ($1, 'Leerstand gemeinsam', '${lastYear}-05-12T08:00:00Z', 180, 'online', '', 'https://example.test/w', 'documented', 0, '${lastYear}-05-20T08:00:00Z'),
              ($1, 'Abgesagt', '${thisYear}-01-20T08:00:00Z', 180, 'online', '', 'https://example.test/x', 'cancelled', 1, now())
       RETURNING id`,
      [topic.slug],
    );
    for (const [i, tw] of towns.slice(0, 5).entries())
      await ds.query(
        `INSERT INTO workshop_invitation (workshop_id, town_id, state, chosen_because, invited_at) VALUES ($1, $2, $3, '', '${lastYear}-04-01T08:00:00Z')`,
        [ws.id, tw.id, i < 4 ? 'accepted' : 'declined'],
      );
  });
  afterAll(async () => {
    await ds?.destroy();
    await t?.close();
  });

  it('only office and admin reach the figures; a bad year is a German 400', async () => {
    for (const path of ['/geschaeftsstelle/berichtszahlen', `/geschaeftsstelle/berichtszahlen/export.csv?jahr=${lastYear}`]) {
      const anon = await request(t.url).get(path).expect(303);
      expect(anon.headers.location).toBe(`/anmelden?next=${encodeURIComponent(path)}`);
      await contact.get(path).expect(403);
      await office.get(path).expect(200);
    }
    for (const bad of ['1999', 'abc', String(thisYear + 1), '2020.5']) {
      const res = await office.get(`/geschaeftsstelle/berichtszahlen?jahr=${bad}`).expect(400);
      expect(res.text).toContain(`Bitte wählen Sie ein Jahr von 2019 bis ${thisYear}.`);
      await office.get(`/geschaeftsstelle/berichtszahlen/export.csv?jahr=${bad}`).expect(400);
    }
  });

  it.each([
    ['last year', -1],
    ['this year', 0],
  ])('%s: page and CSV show the figures that independent SQL counts give', async (_name, offset) => {
    const year = thisYear + offset;
    const html = (await office.get(`/geschaeftsstelle/berichtszahlen?jahr=${year}`).expect(200)).text;
    const res = await office.get(`/geschaeftsstelle/berichtszahlen/export.csv?jahr=${year}`).buffer(true).parse(rawBody).expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="berichtszahlen-${year}.csv"`);
    const buf = res.body as Buffer;
    expect([...buf.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = buf.toString('utf8');
    expect(csv).toContain('Kommunen im Netzwerk nach Bundesland und Größenklasse');
    expect(csv).toContain('Bundesland;unter 5.000;5.000 bis 9.999;10.000 bis 19.999;ab 20.000;zusammen;neu');
    expect(csv).toContain('\r\nDemografischer Wandel & Überalterung;');
    expect(csv).toContain('\r\nBundesländer mit Kommunen im Netzwerk;');
    const sections = csvSections(csv);
    const y = (col: string) => `extract(year FROM ${col} AT TIME ZONE 'Europe/Berlin')::int`;
    // Came about: every side agreed. Declined, withdrawn, rejected and expired requests are no tandems (issue 25).
    const agreed = `state IN ('approved', 'active', 'concluded', 'cancelled', 'not_a_fit')`;

    // The page's tables against SQL; then each CSV section against the page's table of the same title.
    const check = (id: string, expected: Map<string, number[]>) => {
      const rows = pageTable(html, id);
      expect(Object.fromEntries([...rows].map(([k, r]) => [k, r.values]))).toEqual(Object.fromEntries(expected));
      const title = new RegExp(`<h2 id="bz-${id}">([^<]+)</h2>`).exec(html)![1].replace(/&amp;/g, '&');
      const section = sections.get(title);
      expect(section).toBeDefined();
      expect(Object.fromEntries(section!)).toEqual(Object.fromEntries([...rows.values()].map((r) => [r.label, r.values])));
    };

    // 1. Towns in the network by state and size class, and the new ones of the year.
    const byState: { code: string; a: number; b: number; c: number; d: number; n: number; fresh: number }[] = await ds.query(
      `SELECT m.state_code AS code, count(*) FILTER (WHERE m.population < 5000)::int AS a,
         count(*) FILTER (WHERE m.population BETWEEN 5000 AND 9999)::int AS b, count(*) FILTER (WHERE m.population BETWEEN 10000 AND 19999)::int AS c,
         count(*) FILTER (WHERE m.population >= 20000)::int AS d, count(*)::int AS n,
         count(*) FILTER (WHERE ${y('coalesce(t.decided_at, t.created_at)')} = $1)::int AS fresh
       FROM town t JOIN municipality m USING (ags) WHERE t.status = 'verified' AND ${y('coalesce(t.decided_at, t.created_at)')} <= $1
       GROUP BY m.state_code`,
      [year],
    );
    const townRows = new Map(byState.map((s) => [s.code, [s.a, s.b, s.c, s.d, s.n, s.fresh]]));
    townRows.set(
      'alle',
      [0, 1, 2, 3, 4, 5].map((i) => [...townRows.values()].reduce((s, v) => s + v[i], 0)),
    );
    check('kommunen', townRows);
    const total = townRows.get('alle')![4];
    expect(total).toBe(year === lastYear ? 5 : (await ds.query(`SELECT count(*)::int AS n FROM town WHERE status = 'verified'`))[0].n);
    expect(townRows.get('alle')![5]).toBe(year === lastYear ? 5 : total - 5);

    // 2. Registrations.
    const [reg] = await ds.query(
      `SELECT count(*) FILTER (WHERE ${y('created_at')} = $1)::int AS received,
         count(*) FILTER (WHERE status = 'verified' AND ${y('decided_at')} = $1)::int AS verified,
         count(*) FILTER (WHERE status = 'rejected' AND ${y('decided_at')} = $1)::int AS rejected,
         count(*) FILTER (WHERE status = 'pending' AND ${y('created_at')} = $1)::int AS pending FROM town`,
      [year],
    );
    check(
      'registrierungen',
      new Map(Object.entries({ eingegangen: [reg.received], bestaetigt: [reg.verified], abgelehnt: [reg.rejected], offen: [reg.pending] })),
    );
    expect(reg.pending).toBe(year === thisYear ? 1 : 0);

    // 3. Topics among the towns in the network.
    const inNet = `SELECT t.id FROM town t WHERE t.status = 'verified' AND ${y('coalesce(t.decided_at, t.created_at)')} <= $1`;
    const topics: { slug: string; c: number; e: number; n: number; w: number }[] = await ds.query(
      `SELECT tp.slug,
         (SELECT count(DISTINCT town_id)::int FROM town_challenge WHERE topic_slug = tp.slug AND town_id IN (${inNet})) AS c,
         (SELECT count(DISTINCT town_id)::int FROM town_experience WHERE topic_slug = tp.slug AND town_id IN (${inNet})) AS e,
         (SELECT count(*)::int FROM tandem WHERE topic_slug = tp.slug AND ${y('created_at')} = $1 AND ${agreed}) AS n,
         (SELECT count(*)::int FROM workshop WHERE theme_slug = tp.slug AND ${y('starts_at')} = $1 AND state IN ('held', 'documented')) AS w
       FROM topic tp`,
      [year],
    );
    check('themen', new Map(topics.map((x) => [x.slug, [x.c, x.e, x.n, x.w]])));
    expect(topics.reduce((s, x) => s + x.c + x.e, 0)).toBeGreaterThan(0);

    // 4. Tandems begun in the year.
    const [tn] = await ds.query(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE origin = 'office_proposal')::int AS office,
         count(*) FILTER (WHERE ${agreed})::int AS agreed,
         count(*) FILTER (WHERE ${agreed} AND left(ta.ags, 2) <> left(tb.ags, 2))::int AS cross,
         count(*) FILTER (WHERE state IN ('declined', 'withdrawn', 'rejected', 'expired'))::int AS failed,
         count(*) FILTER (WHERE state IN ('requested', 'accepted', 'proposed'))::int AS open,
         (SELECT count(*)::int FROM tandem WHERE state = 'concluded' AND ${y('state_changed_at')} = $1) AS concluded
       FROM tandem td JOIN town ta ON ta.id = td.town_a JOIN town tb ON tb.id = td.town_b WHERE ${y('td.created_at')} = $1`,
      [year],
    );
    check(
      'tandems',
      new Map(
        Object.entries({
          neu: [tn.n],
          vorschlag: [tn.office],
          zustande: [tn.agreed],
          laenderuebergreifend: [tn.cross],
          'nicht-zustande': [tn.failed],
          offen: [tn.open],
          abgeschlossen: [tn.concluded],
        }),
      ),
    );
    expect(tn.n).toBe(year === lastYear ? 2 : 1);
    // Last year: the concluded proposal came about, the declined request did not; this year's request is still open.
    expect([tn.agreed, tn.failed, tn.open]).toEqual(year === lastYear ? [1, 1, 0] : [0, 0, 1]);
    const states: { state: string; n: number }[] = await ds.query(
      `SELECT s.state, (SELECT count(*)::int FROM tandem td WHERE td.state = s.state AND ${y('td.created_at')} = $1) AS n
       FROM unnest(ARRAY['requested','accepted','approved','active','concluded','proposed','declined','withdrawn','rejected','expired','cancelled','not_a_fit']) AS s(state)`,
      [year],
    );
    check('tandem-stand', new Map([...states.map((s) => [s.state, [s.n]] as [string, number[]]), ['alle', [tn.n]]]));

    // 5. Workshops dated in the year, and the towns that took part in a held one.
    const [ws] = await ds.query(
      `SELECT count(*) FILTER (WHERE state IN ('held', 'documented'))::int AS held, count(*) FILTER (WHERE state = 'documented')::int AS documented,
         count(*) FILTER (WHERE state IN ('invited', 'confirmed'))::int AS planned, count(*) FILTER (WHERE state = 'cancelled')::int AS cancelled,
         (SELECT count(DISTINCT i.town_id)::int FROM workshop_invitation i JOIN workshop w ON w.id = i.workshop_id
            WHERE i.state = 'accepted' AND w.state IN ('held', 'documented') AND ${y('w.starts_at')} = $1) AS towns,
         (SELECT count(DISTINCT left(t.ags, 2))::int FROM workshop_invitation i JOIN workshop w ON w.id = i.workshop_id JOIN town t ON t.id = i.town_id
            WHERE i.state = 'accepted' AND w.state IN ('held', 'documented') AND ${y('w.starts_at')} = $1) AS states,
         count(DISTINCT theme_slug) FILTER (WHERE state IN ('held', 'documented'))::int AS themes
       FROM workshop WHERE state <> 'draft' AND ${y('starts_at')} = $1`,
      [year],
    );
    check(
      'werkstaetten',
      new Map(
        Object.entries({
          durchgefuehrt: [ws.held],
          dokumentiert: [ws.documented],
          geplant: [ws.planned],
          abgesagt: [ws.cancelled],
          kommunen: [ws.towns],
          laender: [ws.states],
          themen: [ws.themes],
        }),
      ),
    );
    expect([ws.held, ws.towns, ws.cancelled]).toEqual(year === lastYear ? [1, 4, 0] : [0, 0, 1]);
    expect(html).not.toContain('folgen, sobald');

    // 6. Participation.
    const [p] = await ds.query(
      `SELECT count(DISTINCT s.code)::int AS states,
         (SELECT count(*)::int FROM (${inNet}) n WHERE EXISTS (SELECT 1 FROM tandem td WHERE n.id IN (td.town_a, td.town_b) AND ${y('td.created_at')} = $1 AND td.${agreed})) AS with_tandem,
         (SELECT count(*)::int FROM (${inNet}) n WHERE EXISTS (SELECT 1 FROM tandem td WHERE n.id IN (td.town_a, td.town_b) AND ${y('td.created_at')} = $1)) AS with_request,
         (SELECT count(*)::int FROM town WHERE id IN (${inNet}) AND ${y('profile_updated_at')} = $1) AS profiles,
         (SELECT count(*)::int FROM user_account WHERE town_id IN (${inNet}) AND deleted_at IS NULL AND ${y('email_confirmed_at')} <= $1) AS contacts,
         (SELECT count(*)::int FROM town WHERE id IN (${inNet}) AND opted_out) AS opted_out
       FROM (SELECT left(t.ags, 2) AS code FROM town t WHERE t.id IN (${inNet})) s`,
      [year],
    );
    check(
      'beteiligung',
      new Map(
        Object.entries({
          kommunen: [total],
          laender: [p.states],
          'mit-tandem': [p.with_tandem],
          'mit-anfrage': [p.with_request],
          profil: [p.profiles],
          kontakte: [p.contacts],
          'keine-vorschlaege': [p.opted_out],
        }),
      ),
    );
    expect(p.with_request).toBe(year === lastYear ? 4 : 2);
    expect(p.with_tandem).toBe(year === lastYear ? 2 : 0);
    // Printable: the print stylesheet hides the navigation and the year form.
    expect(html).toContain('<div class="no-print">');
  });

  it("the office's town page lists the town's current suggestions exactly as the town reads them, with Passung N von 100", async () => {
    const own = (await seelow.get(`/api/towns/${seelowId}/suggestions`).expect(200)).body.suggestions as {
      score: number;
      reasons: string;
      partner: { id: string; name: string };
    }[];
    expect(own.length).toBeGreaterThan(2);
    const html = (await office.get(`/geschaeftsstelle/kommunen/${seelowId}`).expect(200)).text;
    const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;');
    // Each entry up to the next one (its reasons are a nested list, issue 30).
    const items = [...html.matchAll(/<li data-partner="([^"]+)">(.*?)(?=<li data-partner=|<\/ol>|<\/ul>\s*<\/section>)/gs)];
    expect(items.map((m) => m[1])).toEqual(own.map((s) => s.partner.id));
    for (const [i, s] of own.entries()) {
      expect(items[i][2]).toContain(`>${esc(s.partner.name)}</a>`);
      expect(items[i][2]).toContain(`<strong>Passung ${Math.round(s.score * 100)} von 100</strong>`);
      // The same reasons the town reads, one line each with its share.
      const lines = [...items[i][2].matchAll(/<li><span>(.*?)<\/span>.*?<span class="reason-points">(\d+) %<\/span><\/li>/g)];
      expect(lines.map((l) => l[1]).join(' · ')).toBe(esc(s.reasons));
    }
    // No raw scores or codes: only the German line.
    expect(html).not.toMatch(/Passung 0\.\d|>\s*0\.\d+\s*</);
  });

  it('the office matching page speaks German: run triggers in words, themes by name, weights in percent, "Passung N von 100", seeds and ids only under Details', async () => {
    const matching = t.worker.get(MatchingService);
    const runner = t.worker.get(MatchingRunner);
    const runs: [Parameters<MatchingService['startRunRow']>[0], string, Record<string, unknown>][] = [
      ['tandem_round', 'startup', {}],
      ['suggestions', 'profile', {}],
      ['suggestions', 'verified', {}],
      ['workshops', 'office', { theme: 'leerstand', params: { minSize: 4, maxSize: 6 } }],
    ];
    for (const [kind, trigger, opts] of runs) await runner.execute(await matching.startRunRow(kind, trigger, opts));
    const html = (await office.get('/geschaeftsstelle/matching?thema=leerstand').expect(200)).text;
    const ids: { id: string; seed: number }[] = await ds.query(`SELECT id, seed FROM matching_run`);
    // Outside the <details> elements: no codes, seeds, run ids or raw weights and scores.
    const visible = html.replace(/<details>[\s\S]*?<\/details>/g, '');
    for (const code of ['profile', 'startup', 'verified', 'leerstand', 'tandem_round'])
      expect(visible).not.toMatch(new RegExp(`>[^<]*\\b${code}\\b[^<]*<`));
    expect(visible).not.toContain('Startwert');
    expect(visible).not.toContain('Punkte');
    expect(visible.replace(/<[^>]+>/g, ' ').match(/.{0,60}\b0[.,]\d+\b.{0,20}/)?.[0] ?? null).toBeNull(); // text only, not attributes like step="0.1"
    for (const r of ids) expect(visible).not.toContain(r.id);
    // … but they are there for whoever opens "Details".
    expect(html).toMatch(
      /<details><summary>Details<\/summary><span class="hint">Startwert \d+ · Berechnung [0-9a-f-]{36}<\/span><\/details>/,
    );
    // Triggers and themes in words, in the list of runs.
    expect(html).toContain('<td data-label="Anlass">beim Start des Dienstes</td>');
    expect(html).toContain('<td data-label="Anlass">nach einer Profiländerung</td>');
    expect(html).toContain('<td data-label="Anlass">nach einer bestätigten Registrierung</td>');
    expect(html).toContain('<td data-label="Anlass">von der Geschäftsstelle gestartet</td>');
    expect(html).toContain('<td data-label="Art">Transferwerkstatt: Leerstand</td>');
    // Weights as percentages of the stored weights.
    const weights = (await office.get('/api/matching/weights').expect(200)).body;
    expect(weights.complement).toBe(0.35);
    expect(html).toMatch(
      /<label class="kern-label" for="w-complement">Herausforderung trifft Erfahrung \(in %\)<\/label>\s*<input class="kern-form-input__input" id="w-complement" name="complement" type="number" min="0" max="100" step="0.1" value="35" required>/,
    );
    // Scores as "Passung N von 100", equal to the stored pair scores.
    const [best] = await ds.query(
      `SELECT p.score FROM tandem_round_pair p JOIN matching_run r ON r.id = p.run_id WHERE r.is_current ORDER BY p.score DESC, p.town_a, p.town_b LIMIT 1`,
    );
    expect(html).toContain(`<td data-label="Passung">Passung ${Math.round(best.score * 100)} von 100</td>`);
    expect(html).toMatch(/Gruppe 1 <span class="muted">\(im Durchschnitt Passung \d{1,3} von 100\)<\/span>/);
  });

  it('the start page shows the member towns on a map of Germany, with a table of the size classes beside it', async () => {
    const html = (await office.get('/geschaeftsstelle').expect(200)).text;
    expect(html).toMatch(/<figure class="map-figure"><svg[^>]*role="img"/);
    expect(html).toContain('Karte: bestätigte Kommunen in Deutschland');
    const sizes: { key: string; n: number }[] = await ds.query(
      `SELECT CASE WHEN m.population < 5000 THEN 'unter-5000' WHEN m.population < 10000 THEN 'kleine-kleinstadt'
         WHEN m.population < 20000 THEN 'groessere-kleinstadt' ELSE 'ab-20000' END AS key, count(*)::int AS n
       FROM town t JOIN municipality m USING (ags) WHERE t.status = 'verified' GROUP BY 1`,
    );
    for (const key of ['unter-5000', 'kleine-kleinstadt', 'groessere-kleinstadt', 'ab-20000']) {
      const row = new RegExp(`<tr data-size="${key}"><th scope="row">[^<]+</th><td data-label="Kommunen">([\\d.]+)</td>`).exec(html);
      expect({ key, n: row ? num(row[1]) : null }).toEqual({ key, n: sizes.find((s) => s.key === key)?.n ?? 0 });
    }
  });
});
