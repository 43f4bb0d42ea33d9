import { Browser } from 'playwright-core';
import { DataSource } from 'typeorm';
import { withCommands } from '../../src/commands/run-command';
import { openDataSource } from '../../src/database/data-source';
import { DemoSeedService } from '../../src/commands/seeds/demo-seed.service';
import { DEMO_OFFICE_EMAIL } from '../../src/commands/seeds/demo-logins.util';
import { STRONG_PASSWORD } from '../factories/accounts.factory';
import { computeMatching, contactOf } from '../factories/tandems.factory';
import { computeWorkshops } from '../factories/workshops.factory';
import { bootApp, TestApp } from '../utils/boot-app';
import { browserLogin, checkAtBothWidths, launchBrowser, screenshot } from '../utils/browser';

describe('workshop pages in headless Chromium, with axe, at desktop width and 390 px', () => {
  let t: TestApp;
  let ds: DataSource;
  let browser: Browser;
  let officePassword: string;

  beforeAll(async () => {
    t = await bootApp('workshoppages');
    ds = await openDataSource(t.databaseUrl);
    officePassword = (await withCommands((c) => c.get(DemoSeedService).seed())).logins[0].password!;
    await computeMatching(t, ['suggestions']);
    await computeWorkshops(t, 'leerstand');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await ds?.destroy();
    await t?.close();
  });

  it('the office takes a proposed group over (towns on the map of Germany), publishes; a town answers "Zusagen" on Werkstätten', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'de-DE' })).newPage();
    await page.goto(`${t.url}/anmelden`);
    await browserLogin(page, DEMO_OFFICE_EMAIL, officePassword);
    await page.getByRole('link', { name: 'Werkstätten' }).click();
    await checkAtBothWidths(page, '60-office-workshops');
    await page
      .getByRole('button', { name: /^Als Entwurf übernehmen/ })
      .first()
      .click();
    await page.waitForURL(/\/geschaeftsstelle\/werkstaetten\/[0-9a-f-]{36}/);
    await page.getByRole('heading', { name: 'Eingeladene Kommunen' }).waitFor();
    const map = page.locator('svg.germany-map');
    await map.waitFor();
    await checkAtBothWidths(page, '61-office-workshop-draft');
    await map.screenshot({ path: 'test-output/screenshots/62-workshop-map.png' });

    await page
      .getByLabel('Datum und Uhrzeit (deutsche Zeit)')
      .fill(new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10) + 'T10:00');
    await page.getByLabel('Link (online, https://…)').fill('https://konferenz.example/leerstand');
    await page.getByRole('button', { name: 'Speichern' }).click();
    await page.getByText('Gespeichert.').waitFor();
    await page.getByRole('button', { name: 'Veröffentlichen und einladen' }).click();
    await page.getByText('Veröffentlicht. Wer die Einladung per E-Mail erhalten hat, steht darunter.').waitFor();
    await screenshot(page, '63-office-workshop-invited');
    const id = new URL(page.url()).pathname.split('/').pop()!;

    const [inv] = await ds.query(`SELECT town_id AS "townId" FROM workshop_invitation WHERE workshop_id = $1 LIMIT 1`, [id]);
    await contactOf(t, ds, inv.townId, 'bgm@werkstatt-browser.test');
    const town = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'de-DE' })).newPage();
    await town.goto(`${t.url}/anmelden`);
    await browserLogin(town, 'bgm@werkstatt-browser.test', STRONG_PASSWORD);
    await town.getByRole('link', { name: 'Werkstätten' }).click();
    await town.getByRole('heading', { name: 'Einladungen, die auf Ihre Antwort warten' }).waitFor();
    // Why the town was invited, as the mail said it: per member the reasons with their shares (issue 30).
    await expect(town.getByRole('heading', { name: 'Warum Ihre Kommune dabei ist' }).first().isVisible()).resolves.toBe(true);
    await expect(town.locator('ul.reason-list > li').first().textContent()).resolves.toMatch(/\S.*\d{1,3} %$/);
    await checkAtBothWidths(town, '64-town-workshops');
    await town.getByRole('button', { name: 'Zusagen' }).first().click();
    await town.getByText('Sie haben zugesagt.').waitFor();
    expect(await ds.query(`SELECT state FROM workshop_invitation WHERE workshop_id = $1 AND town_id = $2`, [id, inv.townId])).toEqual([
      { state: 'accepted' },
    ]);
  });
});
