import { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { openDataSource } from '../../src/database/data-source';
import { withCommands } from '../../src/commands/run-command';
import { DemoSeedService } from '../../src/commands/seeds/demo-seed.service';
import { DEMO_MAYOR_EMAIL, DEMO_OFFICE_EMAIL } from '../../src/commands/seeds/demo-logins.util';
import { MatchingService } from '../../src/matching/matching.service';
import { MatchingRunner } from '../../src/matching/runs/matching-runner.service';
import { computeMatching, contactOf } from '../factories/tandems.factory';
import { browserLogin, checkAtBothWidths, launchBrowser } from '../utils/browser';
import { bootApp, TestApp } from '../utils/boot-app';

/** Visible elements of <main> whose box ends right of the viewport (cut off inside a scroll area counts too). */
const offScreen = (page: Page) =>
  page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    return [...document.querySelectorAll('main *')]
      .filter((el) => !el.closest('.sr-only, table.reflow thead, details:not([open]) > :not(summary)'))
      .map((el) => ({ el, r: el.getBoundingClientRect() }))
      .filter(({ r }) => r.width > 0 && r.height > 0 && r.right > width + 0.5)
      .map(({ el, r }) => `${el.tagName.toLowerCase()}${el.className ? '.' + String(el.className) : ''} right=${Math.round(r.right)}`)
      .slice(0, 5);
  });

describe('office tables at 390 px: cards instead of columns pushed off screen (headless Chromium, axe, screenshots)', () => {
  let t: TestApp;
  let ds: DataSource;
  let browser: Browser;
  let logins: { email: string; password: string | null }[];
  let seelowId: string;

  beforeAll(async () => {
    // The outbox pages are mounted only in the embedded mode (decided when app.module loads), so they are not covered here.
    t = await bootApp('officephone');
    ds = await openDataSource(t.databaseUrl);
    logins = (await withCommands((c) => c.get(DemoSeedService).seed())).logins;
    await computeMatching(t, ['suggestions', 'tandem_round']);
    const runner = t.worker.get(MatchingRunner);
    await runner.execute(
      await t.worker.get(MatchingService).startRunRow('workshops', 'office', { theme: 'leerstand', params: { minSize: 4, maxSize: 6 } }),
    );
    const seelow = request.agent(t.url);
    seelowId = (await seelow.post('/api/auth/login').send({ email: DEMO_MAYOR_EMAIL, password: logins[1].password }).expect(200)).body
      .townId;
    const partner = (await seelow.get(`/api/towns/${seelowId}/suggestions`).expect(200)).body.suggestions[0].partner;
    const pc = await contactOf(t, ds, partner.id, 'bgm@partner-phone.test', 'Petra Partner');
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

  it('every office list and table fits 390 px, passes axe at both widths, and the figures print without navigation', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'de-DE' })).newPage();
    await page.goto(`${t.url}/anmelden`);
    await browserLogin(page, DEMO_OFFICE_EMAIL, logins[0].password!);
    const pages: [string, string][] = [
      ['70-phone-office-home', '/geschaeftsstelle'],
      ['71-phone-office-towns', '/geschaeftsstelle/kommunen'],
      ['72-phone-office-town', `/geschaeftsstelle/kommunen/${seelowId}`],
      ['73-phone-office-tandems', '/geschaeftsstelle/tandems'],
      ['74-phone-office-matching', '/geschaeftsstelle/matching?thema=leerstand'],
      ['75-phone-office-report', '/geschaeftsstelle/berichtszahlen'],
      ['76-phone-office-audit', '/geschaeftsstelle/protokoll'],
      ['77-phone-office-digests', '/geschaeftsstelle/uebersicht'],
      ['78-phone-office-workshops', '/geschaeftsstelle/werkstaetten'],
    ];
    for (const [name, path] of pages) {
      const res = await page.goto(`${t.url}${path}`);
      expect({ path, status: res!.status() }).toEqual({ path, status: 200 });
      await checkAtBothWidths(page, name);
      await page.setViewportSize({ width: 390, height: 844 });
      expect({ path, offScreen: await offScreen(page) }).toEqual({ path, offScreen: [] });
      await page.setViewportSize({ width: 1280, height: 900 });
    }
    // Printing the figures: no header, no navigation, no year form.
    await page.goto(`${t.url}/geschaeftsstelle/berichtszahlen`);
    await page.emulateMedia({ media: 'print' });
    await expect(page.locator('header.site-header').isVisible()).resolves.toBe(false);
    await expect(page.locator('.no-print').isVisible()).resolves.toBe(false);
    await expect(page.getByRole('heading', { level: 1 }).isVisible()).resolves.toBe(true);
  }, 240_000);
});
