import { Browser, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { openDataSource } from '../../src/database/data-source';
import { withCommands } from '../../src/commands/run-command';
import { DemoSeedService } from '../../src/commands/seeds/demo-seed.service';
import { DEMO_MAYOR_EMAIL, DEMO_OFFICE_EMAIL } from '../../src/commands/seeds/demo-logins.util';
import { unsubscribeUrl } from '../../src/digests/digest-content.util';
import { MatchingService } from '../../src/matching/matching.service';
import { MatchingRunner } from '../../src/matching/runs/matching-runner.service';
import { waitForRunDone } from '../factories/digest.factory';
import { browserLogin, launchBrowser, screenshot, seriousA11yViolations } from '../utils/browser';
import { bootApp, TestApp } from '../utils/boot-app';

describe('digest pages in headless Chromium, with axe', () => {
  let t: TestApp;
  let ds: DataSource;
  let browser: Browser;
  let logins: { email: string; password: string | null }[];

  async function login(page: Page, email: string, password: string) {
    await page.goto(`${t.url}/anmelden`);
    await browserLogin(page, email, password);
  }

  async function check(page: Page, name: string) {
    await screenshot(page, name);
    expect({ page: name, violations: await seriousA11yViolations(page) }).toEqual({ page: name, violations: [] });
  }

  const phone = async () => (await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'de-DE' })).newPage();

  beforeAll(async () => {
    t = await bootApp('digestpages');
    ds = await openDataSource(t.databaseUrl);
    logins = (await withCommands((c) => c.get(DemoSeedService).seed())).logins;
    const matching = t.worker.get(MatchingService);
    await t.worker.get(MatchingRunner).execute(await matching.startRunRow('suggestions', 'test'));
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await ds?.destroy();
    await t?.close();
  });

  it('a mayor changes the rhythm on "Benachrichtigungen" (phone)', async () => {
    const page = await phone();
    await login(page, DEMO_MAYOR_EMAIL, logins[1].password!);
    await page.getByRole('link', { name: 'Benachrichtigungen' }).click();
    await page.waitForURL('**/benachrichtigungen');
    await page.getByLabel('monatlich (alle vier Wochen)').check();
    await page.getByRole('button', { name: 'Speichern' }).click();
    await page.waitForURL('**/benachrichtigungen?gespeichert=1');
    await expect(page.getByRole('status').textContent()).resolves.toContain('monatlich');
    await expect(page.getByLabel('monatlich (alle vier Wochen)').isChecked()).resolves.toBe(true);
    await check(page, '40-digest-settings');
  });

  it('the unsubscribe link works in a browser without login (phone)', async () => {
    const user = (await ds.query(`SELECT id FROM user_account WHERE lower(email) = lower($1)`, [DEMO_MAYOR_EMAIL]))[0].id as string;
    const page = await phone();
    await page.goto(unsubscribeUrl(t.url, 'development-only-session-secret-not-for-production', user));
    await check(page, '41-digest-unsubscribe-confirm');
    await page.getByRole('button', { name: 'Ja, Übersicht abbestellen' }).click();
    // The answer page: its status line says the digest is off (waits for it, fails after the timeout).
    await page.getByRole('status').filter({ hasText: 'nicht mehr' }).waitFor();
    await check(page, '42-digest-unsubscribed');
    expect((await ds.query(`SELECT digest_frequency AS f FROM user_account WHERE id = $1`, [user]))[0].f).toBe('off');
  });

  it('the office sends a week, sees the counts and previews a town', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'de-DE' })).newPage();
    await login(page, DEMO_OFFICE_EMAIL, logins[0].password!);
    await page.getByRole('link', { name: 'Wochenübersicht', exact: true }).click();
    await page.waitForURL('**/geschaeftsstelle/uebersicht');
    await page.getByLabel('Kalenderwoche').fill('2026-W49');
    await page.getByRole('button', { name: 'Übersicht für diese Woche senden' }).click();
    await page.waitForURL('**/geschaeftsstelle/uebersicht?gestartet=2026-W49');
    await waitForRunDone(t.db, '2026-W49');
    await page.reload();
    await expect(page.locator('tbody tr').first().textContent()).resolves.toContain('KW 49/2026');
    await page.getByLabel('Kommune').selectOption({ label: 'Seelow (Brandenburg)' });
    await page.getByRole('button', { name: 'Vorschau zeigen' }).click();
    await page.getByText('Stand jetzt').first().waitFor();
    await expect(page.getByText('Stand jetzt').count()).resolves.toBe(1);
    await expect(page.locator('article h3').first().textContent()).resolves.toMatch(/\S/);
    await check(page, '43-digest-office');
  });
});
