import { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { withCommands } from '../../src/commands/run-command';
import { openDataSource } from '../../src/database/data-source';
import { DemoSeedService } from '../../src/commands/seeds/demo-seed.service';
import { DEMO_OFFICE_EMAIL } from '../../src/commands/seeds/demo-logins.util';
import { STRONG_PASSWORD } from '../factories/accounts.factory';
import { computeMatching, contactOf } from '../factories/tandems.factory';
import { bootApp, TestApp } from '../utils/boot-app';
import { launchBrowser } from '../utils/browser';

const MAYOR = 'buergermeister@olbernhau.test';
const PARTNER = 'bgm@partner-tastatur.test';

/** The focused element's name as a user hears it: its label, aria-label or text. */
const focusedName = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLInputElement | null;
    if (!el || el === document.body) return '';
    return (el.labels?.[0]?.textContent ?? el.getAttribute('aria-label') ?? el.textContent ?? '').replace(/\s+/g, ' ').trim();
  });

/**
 * Presses Tab (or Shift+Tab) until the focused element's name matches; fails with the path the focus took. At the
 * target the focus must be visible (an outline from :focus-visible).
 */
async function tabTo(page: Page, name: RegExp, key: 'Tab' | 'Shift+Tab' = 'Tab'): Promise<void> {
  const path: string[] = [];
  for (let i = 0; i < 150; i++) {
    await page.keyboard.press(key);
    const now = await focusedName(page);
    if (name.test(now)) {
      const outline = await page.evaluate(() => {
        const s = getComputedStyle(document.activeElement!);
        return s.outlineStyle === 'none' ? 0 : parseFloat(s.outlineWidth);
      });
      expect({ focused: now, outlineVisible: outline >= 2 }).toEqual({ focused: now, outlineVisible: true });
      return;
    }
    path.push(now);
  }
  throw new Error(`${String(name)} not reached with ${key}; the focus went: ${path.slice(0, 60).join(' | ')}`);
}

/** Enter on the focused link or button, then waits for the next page. */
async function enterAndWait(page: Page, url: string | RegExp): Promise<void> {
  await Promise.all([page.waitForURL(url), page.keyboard.press('Enter')]);
}

const selectedText = (page: Page) =>
  page.evaluate(() => (document.activeElement as HTMLSelectElement).selectedOptions[0]?.textContent ?? '');

describe('keyboard only (Tab, Shift+Tab, Enter, Space; no mouse, no fill): register → confirm → profile → tandem request → the partner answers', () => {
  let t: TestApp;
  let ds: DataSource;
  let browser: Browser;
  let officePassword: string;

  beforeAll(async () => {
    t = await bootApp('keyboard');
    ds = await openDataSource(t.databaseUrl);
    officePassword = (await withCommands((c) => c.get(DemoSeedService).seed())).logins[0].password!;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await ds?.destroy();
    await t?.close();
  });

  it('a mayor does everything with the keyboard, and so does the partner who answers', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'de-DE' })).newPage();
    await page.goto(t.url);
    // The first Tab reaches the skip link; Enter moves the focus into the main content.
    await page.keyboard.press('Tab');
    expect(await focusedName(page)).toBe('Zum Inhalt springen');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('inhalt');

    // Register Olbernhau.
    await tabTo(page, /^Kommune registrieren$/);
    await enterAndWait(page, '**/registrieren');
    await tabTo(page, /^Name oder Postleitzahl Ihrer Kommune$/);
    await page.keyboard.type('Olbernhau');
    await enterAndWait(page, '**/registrieren?suche=Olbernhau');
    await tabTo(page, /^Olbernhau \(Sachsen/);
    await page.keyboard.press('Space');
    await tabTo(page, /^Ihr Name$/);
    await page.keyboard.type('Jörg Klaus');
    await tabTo(page, /^Ihre Funktion$/);
    expect(await selectedText(page)).toBe('Bürgermeisterin / Bürgermeister');
    await tabTo(page, /^Dienstliche E-Mail-Adresse$/);
    await page.keyboard.type(MAYOR);
    await tabTo(page, /^Passwort$/);
    await page.keyboard.type(STRONG_PASSWORD);
    await tabTo(page, /^Ich habe die Datenschutzerklärung gelesen/);
    await page.keyboard.press('Space');
    await tabTo(page, /^Registrieren$/);
    await enterAndWait(page, '**/registriert');

    // The link in the mail, then the confirmation button.
    const mail = await t.smtp.waitFor((m) => (m.text ?? '').includes('bestaetigen?token=') && [m.to].flat()[0]!.text === MAYOR);
    await page.goto(/(http:\/\/\S+bestaetigen\?token=[\w-]+)/.exec(mail.text!)![1]);
    await tabTo(page, /^Jetzt bestätigen$/);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'E-Mail-Adresse bestätigt' }).waitFor();

    // Sign in: the email field, Tab to the password, Enter submits.
    await tabTo(page, /^Anmelden$/);
    await enterAndWait(page, '**/anmelden');
    await tabTo(page, /^E-Mail-Adresse$/);
    await page.keyboard.type(MAYOR);
    await page.keyboard.press('Tab');
    expect(await focusedName(page)).toBe('Passwort');
    await page.keyboard.type(STRONG_PASSWORD);
    await enterAndWait(page, '**/meine-kommune');

    // The profile: a topic (Space), a challenge (type-ahead in the select), back up with Shift+Tab for the description.
    await tabTo(page, /^Leerstand$/);
    await page.keyboard.press('Space');
    await tabTo(page, /^Thema \(Herausforderung 1\)$/);
    await page.keyboard.type('Leerstand');
    expect(await selectedText(page)).toBe('Leerstand');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Leere Ladenlokale an der Freiberger Straße');
    await tabTo(page, /^Wie viele Tandems/);
    await page.keyboard.press('Control+A');
    await page.keyboard.type('2');
    await tabTo(page, /^Beschreibung Ihrer Kommune$/, 'Shift+Tab');
    await page.keyboard.type('Bergstadt im Erzgebirge.');
    await tabTo(page, /^Profil speichern$/);
    await enterAndWait(page, '**/meine-kommune?gespeichert=1');
    const [town] = await ds.query(
      `SELECT t.id, t.capacity, t.description, (SELECT array_agg(topic_slug) FROM town_topic WHERE town_id = t.id) AS topics,
              (SELECT text FROM town_challenge WHERE town_id = t.id) AS challenge
         FROM town t WHERE t.ags = '14521460'`,
    );
    expect(town).toMatchObject({
      capacity: 2,
      description: 'Bergstadt im Erzgebirge.',
      topics: ['leerstand'],
      challenge: 'Leere Ladenlokale an der Freiberger Straße',
    });

    // The office verifies (its own pages have their keyboard checks); the suggestions are computed.
    const office = request.agent(t.url);
    await office.post('/api/auth/login').send({ email: DEMO_OFFICE_EMAIL, password: officePassword }).expect(200);
    await office.post(`/api/admin/towns/${town.id}/verify`).send({}).expect(200);
    await computeMatching(t, ['suggestions']);

    // Vorschläge → "Tandem anfragen" on the first card → the request form.
    await page.reload();
    await tabTo(page, /^Vorschläge$/);
    await enterAndWait(page, '**/vorschlaege');
    await tabTo(page, /^Tandem anfragen mit /);
    await enterAndWait(page, /\/tandems\/anfragen\/[0-9a-f-]{36}$/);
    const partnerId = new URL(page.url()).pathname.split('/').pop()!;
    await tabTo(page, /^Thema, an dem Sie gemeinsam arbeiten möchten$/);
    await page.keyboard.type('Leerstand');
    expect(await selectedText(page)).toMatch(/^Leerstand/);
    await tabTo(page, /^Kurze Nachricht an /);
    await page.keyboard.type('Wir würden gern von Ihren Erfahrungen mit leeren Läden lernen.');
    await tabTo(page, /^Anfrage senden$/);
    await enterAndWait(page, /\/tandems\/[0-9a-f-]{36}/);
    const tandemId = new URL(page.url()).pathname.split('/').pop()!;
    expect(await ds.query(`SELECT state, town_b AS "b" FROM tandem WHERE id = $1`, [tandemId])).toEqual([
      { state: 'requested', b: partnerId },
    ]);

    // The partner opens the tandem's address (the one its request mail carries), signs in with the keyboard, lands on
    // the tandem and accepts.
    await contactOf(t, ds, partnerId, PARTNER, 'Petra Partner');
    const partner = await (await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'de-DE' })).newPage();
    await partner.goto(`${t.url}/tandems/${tandemId}`);
    await partner.waitForURL(/\/anmelden\?next=/);
    await tabTo(partner, /^E-Mail-Adresse$/);
    await partner.keyboard.type(PARTNER);
    await tabTo(partner, /^Passwort$/);
    await partner.keyboard.type(STRONG_PASSWORD);
    await tabTo(partner, /^Anmelden$/);
    await enterAndWait(partner, `**/tandems/${tandemId}`);
    await expect(partner.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Tandem mit Olbernhau');
    await tabTo(partner, /^Nachricht an die andere Kommune/);
    await partner.keyboard.type('Sehr gern, wir melden uns.');
    await tabTo(partner, /^Annehmen$/);
    await partner.keyboard.press('Enter');
    await partner.getByRole('status').filter({ hasText: 'Sie haben angenommen.' }).waitFor();
    expect(await ds.query(`SELECT state, answer_message AS "answer" FROM tandem WHERE id = $1`, [tandemId])).toEqual([
      { state: 'accepted', answer: 'Sehr gern, wir melden uns.' },
    ]);
  }, 120_000);
});
