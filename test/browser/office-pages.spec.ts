import { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { openDataSource } from '../../src/database/data-source';
import { withCommands } from '../../src/commands/run-command';
import { DEMO_MAYOR_EMAIL, DEMO_OFFICE_EMAIL, DemoSeedService } from '../../src/database/seeds/demo-seed.service';
import { computeMatching, contactOf } from '../factories/tandems.factory';
import { launchBrowser, screenshot, seriousA11yViolations } from '../utils/browser';
import { bootApp, TestApp } from '../utils/boot-app';

describe('office workspace pages in headless Chromium, with axe, at desktop width and 390 px', () => {
  let t: TestApp;
  let ds: DataSource;
  let browser: Browser;
  let logins: { email: string; password: string | null }[];

  async function login(page: Page, email: string, password: string) {
    await page.getByLabel('E-Mail-Adresse').fill(email);
    await page.getByLabel('Passwort').fill(password);
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.waitForLoadState('networkidle');
  }

  /** axe at desktop width and at 390 px, and nothing wider than the phone screen. */
  async function check(page: Page, name: string) {
    const desktop = page.viewportSize()!;
    await screenshot(page, `${name}-desktop`);
    expect({ page: name, violations: await seriousA11yViolations(page) }).toEqual({ page: name, violations: [] });
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, `${name}-phone`);
    expect({ page: `${name} (390 px)`, violations: await seriousA11yViolations(page) }).toEqual({ page: `${name} (390 px)`, violations: [] });
    expect({ page: name, scrollWidth: await page.evaluate(() => document.documentElement.scrollWidth) }).toEqual({ page: name, scrollWidth: 390 });
    await page.setViewportSize(desktop);
  }

  beforeAll(async () => {
    t = await bootApp('officepages');
    ds = await openDataSource(t.databaseUrl);
    logins = (await withCommands((c) => c.get(DemoSeedService).seed())).logins;
    await computeMatching(t, ['suggestions']);
    // One tandem waiting for approval, so the overview, the town page and the audit trail have something to show.
    const seelow = request.agent(t.url);
    const seelowId = (await seelow.post('/api/auth/login').send({ email: DEMO_MAYOR_EMAIL, password: logins[1].password }).expect(200)).body.townId;
    const partner = (await seelow.get(`/api/towns/${seelowId}/suggestions`).expect(200)).body.suggestions[0].partner;
    const pc = await contactOf(t, ds, partner.id, 'bgm@partner-office-browser.test', 'Petra Partner');
    const id = (await seelow.post('/api/tandems').send({ partnerTownId: partner.id, message: 'Gern würden wir lernen.' }).expect(201)).body.id;
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
