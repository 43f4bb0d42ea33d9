import { Browser, BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { withCommands } from '../../src/commands/run-command';
import { openDataSource } from '../../src/database/data-source';
import { DemoSeedService } from '../../src/commands/seeds/demo-seed.service';
import { DEMO_MAYOR_EMAIL, DEMO_OFFICE_EMAIL } from '../../src/commands/seeds/demo-logins.util';
import { computeMatching, contactOf } from '../factories/tandems.factory';
import { computeWorkshops } from '../factories/workshops.factory';
import { listRoutes } from '../utils/app-routes';
import { bootApp, TestApp } from '../utils/boot-app';
import { browserLogin, checkA11y, describeViolation, launchBrowser, overflowingElements } from '../utils/browser';

/**
 * Issue 30: every page of the service, collected from the app's GET routes, opened with demo data in it (the office
 * and the Seelow mayor signed in; pages with ids get real ids; one tandem waiting for approval, a published workshop,
 * a tandem round and a workshop proposal run) and checked in one Chromium:
 * - nothing wider than its container outside an explicit scroll container, at 1366 px and at 390 px;
 * - axe with the WCAG 2.1 A/AA and the best-practice rules: no violation of any impact;
 * - no two different pages share a <title>.
 * A new GET page route fails the first test until it is listed in PAGES (or, if it is no page, in NOT_PAGES).
 */

type Who = 'anonymous' | 'mayor' | 'office';
interface Ids {
  seelow: string;
  partner: string;
  other: string;
  tandem: string;
  workshop: string;
  practice: string;
  event: string;
  /** Seelow's events (issue 28, phase 2): hosted and published with a registration, proposed, returned. */
  hosted: string;
  proposal: string;
  returned: string;
}
interface PageSpec {
  who: Who;
  /** The addresses to open (the pattern filled with real ids; states of one page with a query). */
  urls: (ids: Ids) => string[];
  /** A selector that must match on the (first) address: the page shows data, so the checks see it filled. */
  filled?: string;
  /** Tables that must fit their box at 1366 px without scrolling (issue 25's clipped Land × size tables). */
  fitsDesktop?: string[];
  /** The HTTP status of the first address when it is not 200 (a refused link answers 400 with its German page). */
  status?: number;
}

const PAGES: Record<string, PageSpec> = {
  '/': { who: 'anonymous', urls: () => ['/'] },
  '/impressum': { who: 'anonymous', urls: () => ['/impressum'] },
  '/datenschutz': { who: 'anonymous', urls: () => ['/datenschutz'] },
  '/barrierefreiheit': { who: 'anonymous', urls: () => ['/barrierefreiheit'] },
  '/registrieren': { who: 'anonymous', urls: () => ['/registrieren', '/registrieren?suche=Seelow'] },
  '/registriert': { who: 'anonymous', urls: () => ['/registriert'] },
  '/bestaetigen': { who: 'anonymous', urls: () => ['/bestaetigen?token=abgelaufen'] },
  '/anmelden': { who: 'anonymous', urls: () => ['/anmelden'] },
  '/passwort-vergessen': { who: 'anonymous', urls: () => ['/passwort-vergessen'] },
  '/bestaetigung-erneut': { who: 'anonymous', urls: () => ['/bestaetigung-erneut'] },
  '/passwort-neu': { who: 'anonymous', urls: () => ['/passwort-neu?token=abgelaufen'] },
  '/email-bestaetigen': { who: 'anonymous', urls: () => ['/email-bestaetigen?token=abgelaufen'] },
  '/einladung': { who: 'anonymous', urls: () => ['/einladung?token=abgelaufen'] },
  '/abbestellen': { who: 'anonymous', urls: () => ['/abbestellen?token=abgelaufen'] },
  '/konto': { who: 'mayor', urls: () => ['/konto'] },
  '/meine-kommune': { who: 'mayor', urls: () => ['/meine-kommune'] },
  '/meine-kommune/kontakte': { who: 'mayor', urls: () => ['/meine-kommune/kontakte'] },
  '/vorschlaege': { who: 'mayor', urls: () => ['/vorschlaege'], filled: '.reason-list li' },
  '/tandems': { who: 'mayor', urls: () => ['/tandems'] },
  '/tandems/anfragen/:partnerId': { who: 'mayor', urls: (i) => [`/tandems/anfragen/${i.other}`] },
  '/tandems/:id': { who: 'mayor', urls: (i) => [`/tandems/${i.tandem}`] },
  '/werkstaetten': { who: 'mayor', urls: () => ['/werkstaetten'] },
  '/benachrichtigungen': { who: 'mayor', urls: () => ['/benachrichtigungen'] },
  '/geschaeftsstelle': {
    who: 'office',
    urls: () => ['/geschaeftsstelle'],
    filled: '#towns-by-state tbody tr',
    fitsDesktop: ['#towns-by-state'],
  },
  '/geschaeftsstelle/kommunen': { who: 'office', urls: () => ['/geschaeftsstelle/kommunen'] },
  '/geschaeftsstelle/kommunen/:id': { who: 'office', urls: (i) => [`/geschaeftsstelle/kommunen/${i.seelow}`] },
  '/geschaeftsstelle/kommunen/:id/kontakte': { who: 'office', urls: (i) => [`/geschaeftsstelle/kommunen/${i.seelow}/kontakte`] },
  '/geschaeftsstelle/registrierungen': { who: 'office', urls: () => ['/geschaeftsstelle/registrierungen'] },
  '/geschaeftsstelle/matching': { who: 'office', urls: () => ['/geschaeftsstelle/matching', '/geschaeftsstelle/matching?thema=leerstand'] },
  '/geschaeftsstelle/tandems': { who: 'office', urls: () => ['/geschaeftsstelle/tandems'] },
  '/geschaeftsstelle/tandems/freigaben': {
    who: 'office',
    urls: () => ['/geschaeftsstelle/tandems/freigaben'],
    filled: 'form[action$="/schritt"] input[value="approve"]',
  },
  '/geschaeftsstelle/tandems/paaren': {
    who: 'office',
    urls: (i) => ['/geschaeftsstelle/tandems/paaren?sucheA=Seelow', `/geschaeftsstelle/tandems/paaren?a=${i.seelow}&b=${i.other}`],
  },
  '/geschaeftsstelle/werkstaetten': { who: 'office', urls: () => ['/geschaeftsstelle/werkstaetten'] },
  '/geschaeftsstelle/werkstaetten/:id': { who: 'office', urls: (i) => [`/geschaeftsstelle/werkstaetten/${i.workshop}`] },
  '/geschaeftsstelle/berichtszahlen': {
    who: 'office',
    urls: () => ['/geschaeftsstelle/berichtszahlen'],
    filled: '#bz-table-kommunen tbody tr:not(.total)',
    fitsDesktop: ['#bz-table-kommunen'],
  },
  '/geschaeftsstelle/seismograph': {
    who: 'office',
    urls: () => ['/geschaeftsstelle/seismograph', '/geschaeftsstelle/seismograph?land=12&groesse=kleine-kleinstadt&sortierung=thema'],
    filled: '#seismo-topics tbody tr',
  },
  '/geschaeftsstelle/protokoll': { who: 'office', urls: () => ['/geschaeftsstelle/protokoll'] },
  '/geschaeftsstelle/uebersicht': { who: 'office', urls: () => ['/geschaeftsstelle/uebersicht'] },
  '/keine-weiteren-mails': { who: 'anonymous', urls: () => ['/keine-weiteren-mails?k=x&s=y'], status: 400 },
  '/methodenkoffer': {
    who: 'anonymous',
    urls: () => ['/methodenkoffer', '/methodenkoffer?q=Leerst%C3%A4nde'],
    filled: 'a[href^="/methodenkoffer/"]',
  },
  '/methodenkoffer/eigene': { who: 'mayor', urls: () => ['/methodenkoffer/eigene'] },
  '/methodenkoffer/:id': { who: 'anonymous', urls: (i) => [`/methodenkoffer/${i.practice}`] },
  '/methodenkoffer/rueckmeldung/:id': {
    who: 'anonymous',
    urls: (i) => [`/methodenkoffer/rueckmeldung/${i.practice}?s=abgelaufen`],
    status: 400,
  },
  '/methodenkoffer/:id/bearbeiten': { who: 'mayor', urls: (i) => [`/methodenkoffer/${i.practice}/bearbeiten`] },
  '/geschaeftsstelle/methodenkoffer': { who: 'office', urls: () => ['/geschaeftsstelle/methodenkoffer'] },
  '/veranstaltungen': { who: 'mayor', urls: () => ['/veranstaltungen', '/veranstaltungen?passend=ja&art=forum'], filled: 'article.card' },
  '/veranstaltungen/einladen': { who: 'mayor', urls: () => ['/veranstaltungen/einladen'], filled: '#hosted-h ~ ul li' },
  '/veranstaltungen/:id': {
    who: 'mayor',
    urls: (i) => [
      `/veranstaltungen/${i.event}`,
      `/veranstaltungen/${i.hosted}`,
      `/veranstaltungen/${i.proposal}`,
      `/veranstaltungen/${i.returned}`,
    ],
    filled: '#anmeldungen-h ~ ul li',
  },
  '/geschaeftsstelle/veranstaltungen': { who: 'office', urls: () => ['/geschaeftsstelle/veranstaltungen'], filled: 'tbody tr' },
  '/geschaeftsstelle/veranstaltungen/:id': {
    who: 'office',
    urls: (i) => [`/geschaeftsstelle/veranstaltungen/${i.event}`, `/geschaeftsstelle/veranstaltungen/${i.proposal}`],
    filled: 'input[name="townIds"]',
  },
};

/** GET routes that are no HTML page of their own (data, downloads, the 404 fallback, the embedded-only outbox). */
const NOT_PAGES = (path: string) =>
  path === '/konto/daten' ||
  path.startsWith('/api/') ||
  path === '/api' ||
  path === '/health' ||
  path.endsWith('.csv') ||
  path.endsWith('.json') ||
  path === '/{*path}' ||
  path.startsWith('/outbox') ||
  path.startsWith('/static/') ||
  path.startsWith('/admin/queues');

const WIDTHS = [
  { width: 1366, height: 900 },
  { width: 390, height: 844 },
];

describe('every page in headless Chromium: fits 1366 px and 390 px, axe (WCAG 2.1 AA + best practice) finds nothing, titles are unique', () => {
  let t: TestApp;
  let ds: DataSource;
  let browser: Browser;
  let ids: Ids;
  const pages = new Map<Who, Page>();
  const contexts: BrowserContext[] = [];
  /** Every address opened, with its pattern and <title>. */
  const visited: { pattern: string; url: string; title: string }[] = [];

  beforeAll(async () => {
    t = await bootApp('everypage');
    ds = await openDataSource(t.databaseUrl);
    const logins = (await withCommands((c) => c.get(DemoSeedService).seed())).logins;
    await computeMatching(t, ['suggestions', 'tandem_round']);
    const runId = await computeWorkshops(t, 'leerstand');

    // Seelow asks its first suggestion, the partner accepts: the tandem waits in the office's approval queue.
    const seelow = request.agent(t.url);
    const seelowId = (await seelow.post('/api/auth/login').send({ email: DEMO_MAYOR_EMAIL, password: logins[1].password }).expect(200)).body
      .townId;
    const suggestions = (await seelow.get(`/api/towns/${seelowId}/suggestions`).expect(200)).body.suggestions;
    const partner = suggestions[0].partner.id;
    const pc = await contactOf(t, ds, partner, 'bgm@partner-every-page.test', 'Petra Partner');
    const tandem = (await seelow.post('/api/tandems').send({ partnerTownId: partner, message: 'Gern würden wir lernen.' }).expect(201)).body
      .id;
    await pc.agent.post(`/api/tandems/${tandem}/accept`).send({}).expect(200);

    // A published workshop from the proposal run.
    const office = request.agent(t.url);
    await office.post('/api/auth/login').send({ email: DEMO_OFFICE_EMAIL, password: logins[0].password }).expect(200);
    const workshop = (await office.post('/api/workshops').send({ runId, groupNo: 1 }).expect(201)).body.id;
    const startsAt = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10) + 'T10:00';
    await office
      .patch(`/api/workshops/${workshop}`)
      .send({ startsAt, format: 'online', onlineLink: 'https://konferenz.example/leerstand' })
      .expect(200);
    await office.post(`/api/workshops/${workshop}/publish`).expect(200);
    // A published application example in the Methodenkoffer (issue 27).
    const practice = (await seelow.post('/api/practices').send({ origin: 'own' }).expect(201)).body.id;
    await seelow
      .patch(`/api/practices/${practice}`)
      .send({
        title: 'Leerstandskataster mit Briefen an die Eigentümer',
        summary: 'Wir haben alle Leerstände in der Innenstadt erfasst und die Eigentümerinnen und Eigentümer angeschrieben.',
        challenges: ['Wie bringen wir leere Läden am Markt wieder in Nutzung?'],
        topics: ['leerstand'],
        steps: [{ what: 'Begehung der Innenstadt und Kataster in einer Tabelle', actor: 'Bauamt', effort: '3 Tage', duration: '2 Wochen' }],
        results: [{ text: 'Läden wieder vermietet', figure: '7 von 19' }],
        notWorked: 'Eigentümer, die weit weg wohnen, haben selten geantwortet.',
        transferConditions: 'Ein Mensch in der Verwaltung mit etwas Zeit.',
        status: 'established',
        openForVisits: true,
        methods: [],
      })
      .expect(200);
    await seelow.post(`/api/practices/${practice}/submit`).expect(200);
    await office.post(`/api/practices/${practice}/publish`).expect(200);
    // A published event with one registration from Seelow (issue 28).
    const day = (d: number, h: number) => `${new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10)}T${h}:00`;
    const event = (
      await office
        .post('/api/events')
        .send({
          kind: 'forum',
          title: 'Forum Ortskern',
          format: 'hybrid',
          address: 'Rathaus Seelow, Küstriner Straße 61, 15306 Seelow',
          onlineLink: 'https://konferenz.example/forum',
          startsAt: day(30, 10),
          endsAt: day(30, 16),
          registrationDeadline: day(20, 10),
          placesTotal: 30,
          placesPerTown: 3,
          topics: ['leerstand'],
        })
        .expect(201)
    ).body.id;
    await office.post(`/api/events/${event}/publish`).expect(200);
    await seelow.post(`/api/events/${event}/registrations`).send({ name: 'Paula Plan', email: 'paula@every-page.test' }).expect(201);
    // Seelow hosts ("Wir laden ein"): one proposal approved, published and registered for; one waiting for the office;
    // one returned with a comment (its page shows the form to revise it).
    const propose = async (title: string) =>
      (
        await seelow
          .post('/api/events/proposals')
          .send({
            kind: 'besuch_vor_ort',
            title,
            description: 'Wir zeigen, wie wir leere Läden am Markt wieder füllen.',
            format: 'in_person',
            address: 'Rathaus Seelow, Küstriner Straße 61, 15306 Seelow',
            startsAt: day(35, 10),
            endsAt: day(35, 15),
            registrationDeadline: day(25, 10),
            placesTotal: 12,
            topics: ['leerstand'],
          })
          .expect(201)
      ).body.id as string;
    const hosted = await propose('Besuch in Seelow: leere Läden am Markt');
    await office.post(`/api/events/${hosted}/approve`).expect(200);
    await office.post(`/api/events/${hosted}/publish`).expect(200);
    await seelow.post(`/api/events/${hosted}/registrations`).send({ name: 'Paula Plan', email: 'paula@every-page.test' }).expect(201);
    const proposal = await propose('Besuch in Seelow: der Bahnhof als Treffpunkt');
    const returned = await propose('Besuch in Seelow: Markttag');
    await office
      .post(`/api/events/${returned}/return`)
      .send({ comment: 'Bitte nennen Sie einen Treffpunkt und die Anreise mit dem Zug.' })
      .expect(200);
    ids = { seelow: seelowId, partner, other: suggestions[1].partner.id, tandem, workshop, practice, event, hosted, proposal, returned };

    browser = await launchBrowser();
    for (const who of ['anonymous', 'mayor', 'office'] as Who[]) {
      const context = await browser.newContext({ viewport: WIDTHS[0], locale: 'de-DE' });
      contexts.push(context);
      const page = await context.newPage();
      if (who !== 'anonymous') {
        await page.goto(`${t.url}/anmelden`);
        if (who === 'mayor') await browserLogin(page, DEMO_MAYOR_EMAIL, logins[1].password!);
        else await browserLogin(page, DEMO_OFFICE_EMAIL, logins[0].password!);
      }
      pages.set(who, page);
    }
  });
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await ds?.destroy();
    await t?.close();
  });

  it('the overflow check finds what sticks out, is cut off or runs out of its box, and leaves scroll containers alone', async () => {
    const page = pages.get('anonymous')!;
    await page.setViewportSize(WIDTHS[1]);
    await page.setContent(`<body style="margin:0">
      <div id="narrow" style="width:200px"><div id="wide" style="width:300px">breit</div></div>
      <div style="width:200px;overflow:hidden"><table id="clipped" style="width:400px"><tr><td>abgeschnitten</td></tr></table></div>
      <p id="word" style="width:100px">Donaudampfschifffahrtsgesellschaftskapitänsmütze</p>
      <div style="width:200px;overflow-x:auto"><table id="scrolls" style="width:800px"><tr><td>rollt</td></tr></table></div>
      <span style="position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)"><span id="hidden" style="display:inline-block;width:900px">x</span></span>
    </body>`);
    const found = (await overflowingElements(page)).join('\n');
    expect(found).toMatch(/div#wide "breit" sticks out of div#narrow/);
    expect(found).toMatch(/table#clipped "abgeschnitten" is cut off by div/);
    expect(found).toMatch(/p#word .*: its content is \d+px wide in 100px/);
    expect(found).not.toMatch(/scrolls|rollt|hidden/);
  });

  it('every GET page route of the app is listed here (or known to be no page)', () => {
    const routes = listRoutes(t.app, ['get']).map((r) => r.path);
    expect(routes.filter((p) => !NOT_PAGES(p) && !(p in PAGES))).toEqual([]);
    expect(Object.keys(PAGES).filter((p) => !routes.includes(p))).toEqual([]);
  });

  it('every page: nothing sticks out of its container at 1366 px and 390 px, and axe finds no violation', async () => {
    const problems: string[] = [];
    for (const [pattern, spec] of Object.entries(PAGES)) {
      const page = pages.get(spec.who)!;
      for (const url of spec.urls(ids)) {
        await page.setViewportSize(WIDTHS[0]);
        const res = await page.goto(`${t.url}${url}`);
        const status = res!.status();
        if (spec.status !== undefined ? status !== spec.status : status >= 400 && !url.includes('token='))
          problems.push(`${url}: HTTP ${status}`);
        if (new URL(page.url()).pathname === '/anmelden' && pattern !== '/anmelden') problems.push(`${url}: sent to the login`);
        visited.push({ pattern, url, title: await page.title() });
        for (const table of spec.fitsDesktop ?? []) {
          const box = await page
            .locator(table)
            .evaluate((t) => ({ scroll: t.parentElement!.scrollWidth, client: t.parentElement!.clientWidth }));
          if (box.scroll > box.client + 1) problems.push(`${url}: ${table} needs ${box.scroll}px in ${box.client}px at 1366 px`);
        }
        if (spec.filled && url === spec.urls(ids)[0] && !(await page.locator(spec.filled).count()))
          problems.push(`${url}: no ${spec.filled}`);
        for (const size of WIDTHS) {
          await page.setViewportSize(size);
          for (const o of await overflowingElements(page)) problems.push(`${url} at ${size.width} px: ${o}`);
          for (const v of await checkA11y(page, url, { bestPractice: true }))
            problems.push(`${url} at ${size.width} px: ${describeViolation(v)}`);
        }
      }
    }
    expect(problems).toEqual([]);
  }, 240_000);

  it('no two different pages share a <title>', () => {
    const byTitle = new Map<string, Set<string>>();
    for (const v of visited) byTitle.set(v.title, (byTitle.get(v.title) ?? new Set()).add(v.pattern));
    const shared = [...byTitle]
      .filter(([, patterns]) => patterns.size > 1)
      .map(([title, patterns]) => `${title}: ${[...patterns].join(', ')}`);
    expect(shared).toEqual([]);
    expect(visited.length).toBeGreaterThanOrEqual(Object.keys(PAGES).length);
  });
});
