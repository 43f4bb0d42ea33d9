import { Browser } from 'playwright-core';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { openDataSource } from '../../src/database/data-source';
import { withCommands } from '../../src/commands/run-command';
import { DemoSeedService } from '../../src/commands/seeds/demo-seed.service';
import { DEMO_MAYOR_EMAIL, DEMO_OFFICE_EMAIL } from '../../src/commands/seeds/demo-logins.util';
import { computeMatching, contactOf } from '../factories/tandems.factory';
import { browserLogin, checkAtBothWidths, launchBrowser } from '../utils/browser';
import { bootApp, TestApp } from '../utils/boot-app';

describe('office workspace pages in headless Chromium, with axe, at desktop width and 390 px', () => {
  let t: TestApp;
  let ds: DataSource;
  let browser: Browser;
  let logins: { email: string; password: string | null }[];

  const login = browserLogin;
  const check = checkAtBothWidths;

  beforeAll(async () => {
    t = await bootApp('officepages');
    ds = await openDataSource(t.databaseUrl);
    logins = (await withCommands((c) => c.get(DemoSeedService).seed())).logins;
    await computeMatching(t, ['suggestions']);
    // One tandem waiting for approval, so the overview, the town page and the audit trail have something to show.
    const seelow = request.agent(t.url);
    const seelowId = (await seelow.post('/api/auth/login').send({ email: DEMO_MAYOR_EMAIL, password: logins[1].password }).expect(200)).body
      .townId;
    const partner = (await seelow.get(`/api/towns/${seelowId}/suggestions`).expect(200)).body.suggestions[0].partner;
    const pc = await contactOf(t, ds, partner.id, 'bgm@partner-office-browser.test', 'Petra Partner');
    const id = (await seelow.post('/api/tandems').send({ partnerTownId: partner.id, message: 'Gern würden wir lernen.' }).expect(201)).body
      .id;
    await pc.agent.post(`/api/tandems/${id}/accept`).send({}).expect(200);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await ds?.destroy();
    await t?.close();
  });

  it('the office goes from the start page to the towns, filters, opens a town, and reads the audit trail', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'de-DE' })).newPage();
    await page.goto(`${t.url}/geschaeftsstelle`);
    await page.waitForURL(/\/anmelden\?next=/);
    await login(page, DEMO_OFFICE_EMAIL, logins[0].password!);
    expect(new URL(page.url()).pathname).toBe('/geschaeftsstelle');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Geschäftsstelle');
    await expect(page.locator('[data-todo="approvals"] .big').textContent()).resolves.toBe('1');
    await expect(page.getByRole('img', { name: 'Bestätigte Kommunen je Bundesland' }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('table', { name: 'Bestätigte Kommunen je Bundesland und Größenklasse' }).isVisible()).resolves.toBe(true);
    await check(page, '60-office-home');

    await page.getByRole('link', { name: 'Alle Kommunen' }).click();
    await page.waitForURL('**/geschaeftsstelle/kommunen');
    const all = Number(await page.locator('[data-figure="town-count"]').textContent());
    await check(page, '61-office-towns');
    await page.getByLabel('Bundesland').selectOption({ label: 'Brandenburg' });
    await page.getByRole('button', { name: 'Filtern' }).click();
    await page.waitForURL(/land=12/);
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM town t JOIN municipality m USING (ags) WHERE m.state_code = '12'`);
    await expect(page.locator('[data-figure="town-count"]').textContent()).resolves.toBe(String(n));
    expect(n).toBeLessThan(all);
    await check(page, '62-office-towns-filtered');

    await page.getByRole('link', { name: 'Seelow', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Seelow');
    await expect(page.getByRole('heading', { name: 'Protokoll' }).isVisible()).resolves.toBe(true);
    await expect(page.getByText('Tandem angenommen').isVisible()).resolves.toBe(true);
    await check(page, '63-office-town');
    await page.getByLabel('Neue Notiz').fill('Rückruf im März vereinbart.');
    await page.getByRole('button', { name: 'Notiz speichern' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Die Notiz wurde gespeichert.' }).isVisible()).resolves.toBe(true);
    await expect(page.locator('ul.notes li').first().textContent()).resolves.toContain('Rückruf im März vereinbart.');
    await check(page, '63b-office-town-note');

    await page.getByRole('link', { name: 'Im Protokoll filtern' }).click();
    await page.waitForURL(/\/geschaeftsstelle\/protokoll\?kommune=/);
    await expect(page.locator('[data-figure="audit-count"]').textContent()).resolves.toBe('3');
    await check(page, '64-office-audit');
    await page.getByLabel('Was').selectOption({ label: 'Tandem angenommen' });
    await page.getByRole('button', { name: 'Filtern' }).click();
    await page.waitForURL(/aktion=tandem.accept/);
    await expect(page.locator('[data-figure="audit-count"]').textContent()).resolves.toBe('1');
  });
});
