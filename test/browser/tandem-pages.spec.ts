import type { ParsedMail } from 'mailparser';
import { Browser } from 'playwright-core';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { openDataSource } from '../../src/database/data-source';
import { withCommands } from '../../src/commands/run-command';
import { DemoSeedService } from '../../src/commands/seeds/demo-seed.service';
import { DEMO_MAYOR_EMAIL, DEMO_OFFICE_EMAIL } from '../../src/commands/seeds/demo-logins.util';
import { STRONG_PASSWORD } from '../factories/accounts.factory';
import { computeMatching, contactOf } from '../factories/tandems.factory';
import { browserLogin, checkAtBothWidths, launchBrowser, screenshot } from '../utils/browser';
import { bootApp, TestApp } from '../utils/boot-app';

const addresses = (m: ParsedMail) => [m.to].flat().flatMap((x) => x?.value.map((v) => v.address) ?? []);

describe('tandem pages in headless Chromium, with axe, at desktop width and 390 px', () => {
  let t: TestApp;
  let ds: DataSource;
  let browser: Browser;
  let logins: { email: string; password: string | null }[];

  const login = browserLogin;
  const check = checkAtBothWidths;

  const newPage = async () => (await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'de-DE' })).newPage();

  beforeAll(async () => {
    t = await bootApp('tandempages');
    ds = await openDataSource(t.databaseUrl);
    logins = (await withCommands((c) => c.get(DemoSeedService).seed())).logins;
    await computeMatching(t, ['suggestions', 'tandem_round']);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await ds?.destroy();
    await t?.close();
  });

  it('mayor asks from a suggestion card; the partner follows the mail link, logs in, lands on the answer page and accepts; the office approves; the result is recorded', async () => {
    const mayor = await newPage();
    await mayor.goto(`${t.url}/anmelden`);
    await login(mayor, DEMO_MAYOR_EMAIL, logins[1].password!);
    await mayor.getByRole('link', { name: 'Vorschläge' }).click();
    const card = mayor.locator('li.suggestion').first();
    const partnerName = (await card.locator('h2').textContent())!.replace(/\s*\(.*\)\s*$/, '').trim();
    await check(mayor, '30-suggestions-with-actions');
    const [partner] = await ds.query(`SELECT t.id FROM town t JOIN municipality m ON m.ags = t.ags WHERE m.name = $1`, [partnerName]);
    const pc = await contactOf(t, ds, partner.id, 'bgm@browser-partner.test', 'Paula Partner');

    await card.getByRole('link', { name: /^Tandem anfragen mit / }).click();
    await mayor.waitForURL(`**/tandems/anfragen/${partner.id}`);
    await expect(mayor.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(`Tandem mit ${partnerName} anfragen`);
    await check(mayor, '31-tandem-request');
    // Too long: the server's German message (the browser's maxlength switched off to reach it).
    await mayor.evaluate(() => document.querySelector('#message')!.removeAttribute('maxlength'));
    await mayor.getByLabel(`Kurze Nachricht an ${partnerName}`).fill('z'.repeat(1001));
    await mayor.getByRole('button', { name: 'Anfrage senden' }).click();
    await expect(mayor.getByRole('alert').textContent()).resolves.toContain('Die Nachricht ist zu lang (1001 Zeichen, höchstens 1000).');
    expect(await ds.query(`SELECT count(*)::int AS n FROM tandem`)).toEqual([{ n: 0 }]);
    await mayor.getByLabel(`Kurze Nachricht an ${partnerName}`).fill('Wir würden gern voneinander lernen.');
    await mayor.getByRole('button', { name: 'Anfrage senden' }).click();
    await expect(mayor.getByRole('status').first().textContent()).resolves.toContain('Ihre Anfrage wurde gesendet');
    const id = /\/tandems\/([0-9a-f-]{36})/.exec(mayor.url())![1];
    await check(mayor, '32-tandem-requested');

    // The partner's mail: the link goes to the answer page, through the login.
    const mail = await t.smtp.waitFor((m) => addresses(m).includes(pc.email));
    const link = /Anfrage ansehen und beantworten: (\S+)/.exec(mail.text!)![1];
    expect(link).toBe(`${t.url}/tandems/${id}`);
    const partnerPage = await newPage();
    await partnerPage.goto(link);
    await partnerPage.waitForURL(/\/anmelden\?next=/);
    await login(partnerPage, pc.email, STRONG_PASSWORD);
    expect(new URL(partnerPage.url()).pathname).toBe(`/tandems/${id}`);
    await expect(partnerPage.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Tandem mit Seelow');
    await expect(partnerPage.locator('blockquote.message').first().textContent()).resolves.toBe('Wir würden gern voneinander lernen.');
    await check(partnerPage, '33-tandem-answer');
    await partnerPage.getByLabel('Nachricht an die andere Kommune (freiwillig)').fill('Sehr gern, wir melden uns.');
    await partnerPage.getByRole('button', { name: 'Annehmen' }).click();
    await expect(partnerPage.getByRole('status').first().textContent()).resolves.toContain('Sie haben angenommen.');

    // The office: approval queue with both towns side by side, then approve.
    const officePage = await newPage();
    await officePage.goto(`${t.url}/geschaeftsstelle/tandems/freigaben`);
    await login(officePage, DEMO_OFFICE_EMAIL, logins[0].password!);
    await expect(officePage.getByRole('heading', { name: `Seelow und ${partnerName}` }).isVisible()).resolves.toBe(true);
    await expect(officePage.locator('blockquote.message').nth(1).textContent()).resolves.toBe('Sehr gern, wir melden uns.');
    await check(officePage, '34-office-approvals');
    await officePage.getByRole('button', { name: 'Freigeben' }).click();
    await expect(officePage.getByRole('status').first().textContent()).resolves.toContain('Das Tandem ist freigegeben.');
    await check(officePage, '35-office-tandem-detail');

    // The mayor starts, then concludes with the result form.
    await mayor.goto(`${t.url}/tandems/${id}`);
    await mayor.getByRole('button', { name: 'Tandem beginnen' }).click();
    await expect(mayor.getByRole('status').first().textContent()).resolves.toContain('Das Tandem ist jetzt aktiv.');
    await check(mayor, '36-tandem-active');
    await mayor.getByLabel('Woran haben Sie gemeinsam gearbeitet?').fill('Eigentümer früh einbinden');
    await mayor.getByLabel('Was haben Sie übernommen oder ausprobiert?').fill('Gemeinsamer Leerstandsrundgang');
    await mayor.getByLabel('teilweise').check();
    await mayor.getByLabel('4', { exact: true }).check();
    await mayor.getByLabel('Die Geschäftsstelle darf unser Ergebnis als Praxisbeispiel veröffentlichen.').check();
    await mayor.locator('.topics .choice input').first().check();
    await mayor.getByRole('button', { name: 'Ergebnis speichern' }).click();
    await expect(mayor.getByRole('status').first().textContent()).resolves.toContain('Vielen Dank für Ihr Ergebnis.');
    await check(mayor, '36b-tandem-result-given');
    // The partner's result concludes it (given through the API here; the form is the same).
    await pc.agent
      .post(`/api/tandems/${id}/conclude`)
      .send({ tried: 'Rundgang übernommen', learnt: 'Leerstand', adoption: 'yes', rating: 5 })
      .expect(200);
    await mayor.goto(`${t.url}/tandems/${id}`);
    await expect(mayor.getByRole('heading', { name: 'Ergebnisse der Kommunen' }).isVisible()).resolves.toBe(true);
    await expect(mayor.locator('.timeline li').count()).resolves.toBe(6);
    await mayor.getByRole('link', { name: 'Meine Tandems' }).click();
    await expect(mayor.getByRole('heading', { name: 'Frühere Tandems und Anfragen' }).isVisible()).resolves.toBe(true);
    await expect(mayor.locator('li.tandem').count()).resolves.toBe(1);
    await check(mayor, '37-my-tandems');
  });

  it('the office sends proposals from the round page (one pair and the whole round) and filters all tandems; a town declines a proposal with a reason', async () => {
    const officePage = await newPage();
    await officePage.goto(`${t.url}/geschaeftsstelle/matching`);
    await login(officePage, DEMO_OFFICE_EMAIL, logins[0].password!);
    await officePage.goto(`${t.url}/geschaeftsstelle/matching`);
    const button = officePage.getByRole('button', { name: /^Vorschlag versenden an / }).first();
    const label = (await button.textContent())!;
    await button.click();
    await expect(officePage.getByRole('status').first().textContent()).resolves.toContain(
      'Der Vorschlag ist angelegt. Wer ihn per E-Mail erhalten hat, steht darunter.',
    );
    const id = /\/tandems\/([0-9a-f-]{36})/.exec(officePage.url())![1];
    const [row] = await ds.query(`SELECT town_a AS "townA", state FROM tandem WHERE id = $1`, [id]);
    expect(row.state).toBe('proposed');
    expect(label).toMatch(/^Vorschlag versenden an .+ und .+$/);

    await officePage.goto(`${t.url}/geschaeftsstelle/matching`);
    await officePage.getByRole('button', { name: 'Vorschläge für die ganze Runde versenden' }).click();
    await expect(officePage.getByRole('status').first().textContent()).resolves.toMatch(/^\d+ Vorschläge wurden versendet\.$/);
    await officePage.getByLabel('Stand').selectOption({ label: 'Vorschlag der Geschäftsstelle' });
    await officePage.getByRole('button', { name: 'Filtern' }).click();
    const rows = await officePage.locator('tbody tr').count();
    expect(rows).toBe((await ds.query(`SELECT count(*)::int AS n FROM tandem WHERE state = 'proposed'`))[0].n);
    await check(officePage, '38-office-all-tandems');

    // "Kein Interesse" on a suggestion card: the card's town is hidden for 12 months, no tandem, no mail.
    const mayor = await newPage();
    await mayor.goto(`${t.url}/vorschlaege`);
    await login(mayor, DEMO_MAYOR_EMAIL, logins[1].password!);
    const card = mayor.locator('li.suggestion').nth(1);
    const name = (await card.locator('h2').textContent())!.replace(/\s*\(.*\)\s*$/, '').trim();
    const mails = t.smtp.mails.length;
    await card.getByRole('button', { name: `Kein Interesse an ${name}` }).click();
    await expect(mayor.getByRole('status').first().textContent()).resolves.toContain('in den nächsten zwölf Monaten nicht mehr angezeigt');
    const [dismissed] = await ds.query(
      `SELECT count(*)::int AS n FROM pair_history h JOIN town t ON t.id IN (h.town_a, h.town_b) JOIN municipality m ON m.ags = t.ags WHERE h.kind = 'declined' AND m.name = $1`,
      [name],
    );
    expect(dismissed.n).toBe(1);
    expect(t.smtp.mails.length).toBe(mails);

    // A town of the first proposal declines: without a reason the server says so in German, then with one.
    const a = await contactOf(t, ds, row.townA, 'bgm@browser-vorschlag.test');
    const townPage = await newPage();
    await townPage.goto(`${t.url}/tandems/${id}`);
    await login(townPage, a.email, STRONG_PASSWORD);
    await expect(townPage.getByRole('heading', { name: 'Stand: Vorschlag der Geschäftsstelle' }).isVisible()).resolves.toBe(true);
    await check(townPage, '39-proposal-answer');
    await townPage.evaluate(() => document.querySelectorAll('form').forEach((f) => f.setAttribute('novalidate', '')));
    await townPage.getByRole('button', { name: 'Ablehnen' }).click();
    await expect(townPage.getByRole('alert').textContent()).resolves.toContain('Bitte geben Sie eine kurze Begründung an');
    await townPage.getByLabel('Begründung für „Ablehnen“').fill('Das Thema passt gerade nicht.');
    await townPage.getByRole('button', { name: 'Ablehnen' }).click();
    await expect(townPage.getByRole('status').first().textContent()).resolves.toContain('Sie haben abgelehnt.');
    expect((await ds.query(`SELECT state FROM tandem WHERE id = $1`, [id]))[0].state).toBe('declined');
  });

  it('Bull Board at /admin/queues: the office sees the queues, a mayor is refused, a visitor must log in', async () => {
    const anon = await request(t.url).get('/admin/queues').expect(303);
    expect(anon.headers.location).toBe('/anmelden?next=%2Fadmin%2Fqueues');
    const mayor = request.agent(t.url);
    await mayor.post('/api/auth/login').send({ email: DEMO_MAYOR_EMAIL, password: logins[1].password }).expect(200);
    expect((await mayor.get('/admin/queues').expect(403)).text).toContain('Sie haben keine Berechtigung für diese Seite.');
    await mayor.get('/admin/queues/api/queues').expect(403);

    const page = await newPage();
    await page.goto(`${t.url}/admin/queues`);
    await login(page, DEMO_OFFICE_EMAIL, logins[0].password!);
    expect(new URL(page.url()).pathname).toBe('/admin/queues');
    for (const q of ['mail', 'matching', 'tandems']) await page.getByText(q, { exact: true }).first().waitFor({ timeout: 20_000 });
    await screenshot(page, '40-queue-board');
  });
});
