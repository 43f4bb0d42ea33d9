import { Browser, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { openDataSource } from '../../src/database/data-source';
import { withCommands } from '../../src/commands/run-command';
import { DemoSeedService } from '../../src/commands/seeds/demo-seed.service';
import { DEMO_MAYOR_EMAIL, DEMO_OFFICE_EMAIL } from '../../src/commands/seeds/demo-logins.util';
import { MatchingService } from '../../src/matching/matching.service';
import { MatchingRunner } from '../../src/matching/runs/matching-runner.service';
import { launchBrowser, screenshot, seriousA11yViolations } from '../utils/browser';
import { bootApp, TestApp } from '../utils/boot-app';

describe('matching pages in headless Chromium, with axe', () => {
  let t: TestApp;
  let ds: DataSource;
  let browser: Browser;
  let logins: { email: string; password: string | null }[];

  async function login(page: Page, email: string, password: string) {
    await page.goto(`${t.url}/anmelden`);
    await page.getByLabel('E-Mail-Adresse').fill(email);
    await page.getByLabel('Passwort').fill(password);
    await Promise.all([page.waitForURL((u) => u.pathname !== '/anmelden'), page.getByRole('button', { name: 'Anmelden' }).click()]);
  }

  async function check(page: Page, name: string) {
    await screenshot(page, name);
    expect({ page: name, violations: await seriousA11yViolations(page) }).toEqual({ page: name, violations: [] });
  }

  beforeAll(async () => {
    t = await bootApp('matchingpages');
    ds = await openDataSource(t.databaseUrl);
    logins = (await withCommands((c) => c.get(DemoSeedService).seed())).logins;
    // Computed in the worker's service directly: the queue path is covered by the matching e2e test.
    const matching = t.worker.get(MatchingService);
    const runner = t.worker.get(MatchingRunner);
    for (const [kind, opts] of [
      ['suggestions', {}],
      ['tandem_round', {}],
      ['workshops', { theme: 'leerstand', seed: 3 }],
    ] as const) {
      const id = await matching.startRunRow(kind, 'test', opts);
      await runner.execute(id);
    }
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await ds?.destroy();
    await t?.close();
  });

  it('shows a mayor the suggestion cards with score bar and German reasons (phone)', async () => {
    const page = await (await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'de-DE' })).newPage();
    await login(page, DEMO_MAYOR_EMAIL, logins[1].password!);
    await page.getByRole('link', { name: 'Vorschläge' }).click();
    await page.waitForURL('**/vorschlaege');
    const cards = page.locator('li.suggestion');
    await expect(cards.count()).resolves.toBe(10);
    await expect(cards.first().locator('[role=meter]').getAttribute('aria-valuenow')).resolves.toMatch(/^\d+$/);
    // Issue 30: the reasons as a list, one line per criterion with its share of the score.
    const reasons = cards.first().locator('ul.reason-list > li');
    await expect(reasons.first().textContent()).resolves.toMatch(/(Einwohner|Bundesland|Thema|Themen|Erfahrung).*\d+ %$/);
    await expect(reasons.count()).resolves.toBeGreaterThan(1);
    await check(page, '20-suggestions');
  });

  it('shows the office the tandem round and the workshop groups on a map', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'de-DE' })).newPage();
    await login(page, DEMO_OFFICE_EMAIL, logins[0].password!);
    await page.goto(`${t.url}/geschaeftsstelle/matching?thema=leerstand`);
    await expect(page.getByRole('heading', { name: 'Aktuelle Tandemrunde' }).isVisible()).resolves.toBe(true);
    await expect(page.locator('section[aria-labelledby=round-h] tbody tr').count()).resolves.toBeGreaterThan(5);
    // The groups on the map of Germany: the Länder as the base map's own image (fetched once, kept by the browser),
    // markers by group and town labels inline.
    const baseHref = await page.locator('svg.germany-map image.base').getAttribute('href');
    expect(baseHref).toMatch(/^\/karten\/deutschland-600-[0-9a-f]{8}\.svg$/);
    const base = await page.evaluate(async (href) => {
      const img = new Image();
      img.src = href;
      await img.decode();
      return { width: img.naturalWidth, text: await (await fetch(href)).text() };
    }, baseHref!);
    expect(base.width).toBe(600);
    expect(base.text.match(/<title>[^<]+<\/title><\/path>/g)).toHaveLength(16);
    await expect(page.locator('svg.germany-map g.markers > *').count()).resolves.toBeGreaterThanOrEqual(2); // one shape per group
    await expect(page.locator('svg.germany-map g.labels text').count()).resolves.toBeGreaterThanOrEqual(4);
    await expect(page.getByRole('heading', { name: /Transferwerkstätten: Leerstand/ }).isVisible()).resolves.toBe(true);
    await check(page, '21-office-matching');

    await page.getByLabel('Anderes Bundesland').fill('200');
    // The browser already refuses 200 (max=100); switch that off to check the server's own validation.
    await page.evaluate(() => document.querySelector<HTMLFormElement>('form.weights')!.setAttribute('novalidate', ''));
    await page.getByRole('button', { name: 'Gewichte speichern' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain(
      'Bitte geben Sie für jedes Gewicht einen Anteil zwischen 0 und 100 Prozent an',
    );
    expect((await ds.query(`SELECT count(*)::int AS n FROM matching_settings`))[0].n).toBe(0);
    await page.getByLabel('Anderes Bundesland').fill('30');
    await page.getByRole('button', { name: 'Gewichte speichern' }).click();
    await expect(page.getByRole('status').first().textContent()).resolves.toContain('Die Gewichte wurden gespeichert');
    expect((await ds.query(`SELECT weights FROM matching_settings`))[0].weights).toMatchObject({ otherState: 0.3, complement: 0.35 });
    await check(page, '22-office-weights');

    await page.getByRole('button', { name: 'Tandemrunde berechnen' }).click();
    await expect(page.getByRole('status').first().textContent()).resolves.toContain('Die Berechnung wurde gestartet');
  });
});
