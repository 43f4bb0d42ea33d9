import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { hashPassword } from '../../src/auth/password.util';
import { TEST_PASSWORD_HASH } from '../utils/test-env';
import { registerConfirmAndLogin, STRONG_PASSWORD } from '../factories/accounts.factory';
import { createOfficeUser, insertMunicipalities, TEST_TOWNS } from '../factories/directory.factory';
import { launchBrowser, screenshot, seriousA11yViolations } from '../utils/browser';
import { bootApp, TestApp } from '../utils/boot-app';

const [OLBERNHAU] = TEST_TOWNS;
const OFFICE = { email: 'office@akademie.test', password: 'Office-Passwort-123' };
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const COLLEAGUE_PASSWORD = 'Kollegin-Passwort-88';
const NEW_PASSWORD = 'Neues-Passwort-2026!';

describe('account pages in headless Chromium at 390 px and desktop, with axe', () => {
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  /** Every page is checked at both widths: no serious or critical WCAG 2 A/AA violation. */
  async function check(name: string) {
    for (const [label, size] of [
      ['phone', PHONE],
      ['desktop', DESKTOP],
    ] as const) {
      await page.setViewportSize(size);
      await screenshot(page, `accounts-${name}-${label}`);
      expect({ page: `${name} (${label})`, violations: await seriousA11yViolations(page) }).toEqual({
        page: `${name} (${label})`,
        violations: [],
      });
    }
    await page.setViewportSize(PHONE);
  }

  async function logIn(email: string, password: string) {
    await page.goto(`${t.url}/anmelden`);
    await page.getByLabel('E-Mail-Adresse').fill(email);
    await page.getByLabel('Passwort', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/anmelden'));
  }

  async function logOut() {
    await page.getByRole('button', { name: 'Abmelden' }).click();
    await page.waitForURL(`${t.url}/`);
  }

  const linkIn = async (email: string, path: string) => {
    const mail = await t.smtp.waitFor((m) => [m.to].flat().some((a) => a?.text === email) && (m.text ?? '').includes(path));
    return new RegExp(`(http://\\S+${path.replace('?', '\\?')}[\\w-]+)`).exec(mail.text!)![1];
  };
  const status = async (sql: string, params: unknown[] = []) => (await t.db.query(sql, params)).rows;

  beforeAll(async () => {
    const legal = mkdtempSync(join(tmpdir(), 'kt-legal-'));
    writeFileSync(
      join(legal, 'impressum.txt'),
      'Kleinstadtakademie – Geschäftsstelle\nMusterstraße 1, 10115 Berlin\n\nVertreten durch: Anna Beispiel',
    );
    t = await bootApp('accountpages', { IMPRESSUM_FILE: join(legal, 'impressum.txt'), LOGIN_RATE_LIMIT: '200' });
    await insertMunicipalities(t, TEST_TOWNS);
    await createOfficeUser(t.db, OFFICE.email, await hashPassword(OFFICE.password, TEST_PASSWORD_HASH));
    // Two people apply for Olbernhau.
    await registerConfirmAndLogin(t, OLBERNHAU.ags, 'bm@olbernhau.test', 'Jörg Klaus');
    await registerConfirmAndLogin(t, OLBERNHAU.ags, 'rival@example.test', 'Rita Rival');
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: PHONE, locale: 'de-DE' });
    page = await context.newPage();
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await t?.close();
  });

  it('shows the operator’s Impressum, a placeholder privacy notice, and links both in the footer', async () => {
    await page.goto(t.url);
    await page.getByRole('navigation', { name: 'Rechtliches' }).getByRole('link', { name: 'Impressum' }).click();
    await page.waitForURL('**/impressum');
    await expect(page.locator('main').textContent()).resolves.toMatch(
      /Impressum[\s\S]*Kleinstadtakademie – Geschäftsstelle[\s\S]*Vertreten durch: Anna Beispiel/,
    );
    await check('impressum');
    await page.getByRole('navigation', { name: 'Rechtliches' }).getByRole('link', { name: 'Datenschutzerklärung' }).click();
    await page.waitForURL('**/datenschutz');
    await expect(page.locator('main').textContent()).resolves.toContain('DATENSCHUTZ_FILE');
    await check('datenschutz-placeholder');
  });

  it('registration asks for consent to the privacy notice', async () => {
    await page.goto(`${t.url}/registrieren?suche=R%C3%BCthen`);
    await page.getByLabel(/Rüthen/).check();
    await page.getByLabel('Ihr Name').fill('Rita Rüthen');
    await page.getByLabel('Dienstliche E-Mail-Adresse').fill('bm@ruethen.test');
    await page.getByLabel('Passwort').fill(STRONG_PASSWORD);
    await page.getByRole('button', { name: 'Registrieren' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain(
      'Bitte bestätigen Sie, dass Sie die Datenschutzerklärung gelesen haben.',
    );
    expect(await status(`SELECT 1 FROM user_account WHERE email = 'bm@ruethen.test'`)).toEqual([]);
    expect(await page.getByRole('link', { name: 'Datenschutzerklärung', exact: true }).first().getAttribute('href')).toBe('/datenschutz');
    // The error summary links the message to the consent box it is about.
    expect(await page.getByRole('alert').getByRole('link').getAttribute('href')).toBe('#privacyAccepted');
    await check('register-consent-missing');
    await page.getByLabel(/Rüthen/).check();
    await page.getByLabel('Passwort').fill(STRONG_PASSWORD);
    await page.getByLabel(/Datenschutzerklärung gelesen/).check();
    await page.getByRole('button', { name: 'Registrieren' }).click();
    await page.waitForURL('**/registriert');
    expect((await status(`SELECT privacy_accepted_at IS NOT NULL AS ok FROM user_account WHERE email = 'bm@ruethen.test'`))[0].ok).toBe(
      true,
    );
  });

  it('the office sees competing applications side by side and verifies one; the other is rejected', async () => {
    await logIn(OFFICE.email, OFFICE.password);
    await page.goto(`${t.url}/geschaeftsstelle/registrierungen`);
    const region = page.getByRole('region', { name: /Olbernhau/ });
    await expect(region.textContent()).resolves.toMatch(
      /2 Bewerbungen für diese Kommune[\s\S]*Bewerbung 1 von 2[\s\S]*Jörg Klaus[\s\S]*Bewerbung 2 von 2[\s\S]*Rita Rival/,
    );
    await check('office-competing');
    await region
      .getByRole('article', { name: /Bewerbung 1 von 2/ })
      .getByRole('button', { name: 'Bestätigen' })
      .click();
    await expect(page.getByRole('status').textContent()).resolves.toContain('Die Registrierung wurde bestätigt');
    expect(
      await status(`SELECT u.email, t.status FROM town t JOIN user_account u ON u.town_id = t.id WHERE t.ags = $1 ORDER BY u.email`, [
        OLBERNHAU.ags,
      ]),
    ).toEqual([
      { email: 'bm@olbernhau.test', status: 'verified' },
      { email: 'rival@example.test', status: 'rejected' },
    ]);
    await logOut();
    // The rejected applicant is out.
    await page.goto(`${t.url}/anmelden`);
    await page.getByLabel('E-Mail-Adresse').fill('rival@example.test');
    await page.getByLabel('Passwort').fill(STRONG_PASSWORD);
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('wurde von der Geschäftsstelle abgelehnt');
    await check('login-rejected');
  });

  it('the mayor pauses and resumes the town and invites a colleague; the colleague accepts by the link', async () => {
    await logIn('bm@olbernhau.test', STRONG_PASSWORD);
    await page.goto(`${t.url}/meine-kommune`);
    await page.getByRole('button', { name: 'Pausieren' }).click();
    await page.waitForURL('**/meine-kommune?pause=an');
    await expect(page.getByRole('region', { name: 'Vorschläge und Anfragen' }).textContent()).resolves.toContain('Pausiert.');
    await check('profile-paused');
    await page.getByRole('button', { name: 'Fortsetzen' }).click();
    await page.waitForURL('**/meine-kommune?pause=aus');
    expect((await status(`SELECT opted_out FROM town WHERE ags = $1 AND status = 'verified'`, [OLBERNHAU.ags]))[0].opted_out).toBe(false);

    await page.getByRole('link', { name: 'Kontakte' }).click();
    await page.waitForURL('**/meine-kommune/kontakte');
    await page.getByLabel('Name').fill('Petra Neu');
    await page.getByLabel('Funktion').selectOption('deputy');
    await page.getByLabel('Dienstliche E-Mail-Adresse').fill('stv@olbernhau.test');
    await page.getByRole('button', { name: 'Einladung senden' }).click();
    await page.waitForURL('**/meine-kommune/kontakte?erledigt=eingeladen');
    await expect(page.locator('main').textContent()).resolves.toMatch(/Petra Neu[\s\S]*Einladung noch nicht angenommen/);
    await check('contacts');
    await logOut();

    await page.goto(await linkIn('stv@olbernhau.test', '/einladung?token='));
    await expect(page.locator('main').textContent()).resolves.toContain(
      'Guten Tag Petra Neu, Sie wurden als Ansprechperson für Olbernhau eingeladen',
    );
    await check('invitation');
    await page.getByLabel('Passwort').fill(COLLEAGUE_PASSWORD);
    await page.getByLabel(/Datenschutzerklärung gelesen/).check();
    await page.getByRole('button', { name: 'Einladung annehmen' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toContain('Ihr Passwort ist gesetzt');
  });

  it('the office hands the main contact over to the colleague', async () => {
    await logIn(OFFICE.email, OFFICE.password);
    await page.getByRole('link', { name: 'Kommunen' }).click();
    await page.waitForURL('**/geschaeftsstelle/kommunen');
    await check('office-towns');
    // The office's town list (issue 13) shows every registration; the verified Olbernhau's page links to its contacts.
    await page.getByLabel('Status').selectOption({ label: 'bestätigt' });
    await page.getByRole('button', { name: 'Filtern' }).click();
    await page.waitForURL(/status=verified/);
    await page.getByRole('link', { name: 'Olbernhau' }).click();
    await page.getByRole('link', { name: 'Ansprechpersonen verwalten' }).click();
    await page.getByRole('button', { name: 'Petra Neu zur Hauptansprechperson machen' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toContain('Die Hauptansprechperson wurde geändert');
    await check('office-contacts');
    expect(
      await status(
        `SELECT u.email FROM user_account u JOIN town t ON t.id = u.town_id WHERE u.main_contact AND t.ags = $1 AND t.status = 'verified'`,
        [OLBERNHAU.ags],
      ),
    ).toEqual([{ email: 'stv@olbernhau.test' }]);
    await logOut();
  });

  it('a forgotten password is reset by the mail link; the account page changes the password and deletes the account', async () => {
    await page.goto(`${t.url}/anmelden`);
    await page.getByRole('link', { name: 'Passwort vergessen?' }).click();
    await page.getByLabel('E-Mail-Adresse').fill('bm@olbernhau.test');
    await page.getByRole('button', { name: 'Link anfordern' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toContain('Falls für diese Adresse ein Konto besteht');
    await check('password-forgot-sent');
    await page.goto(await linkIn('bm@olbernhau.test', '/passwort-neu?token='));
    await check('password-reset');
    await page.getByLabel('Neues Passwort').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Passwort speichern' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toContain('Ihr neues Passwort ist gesetzt');

    await logIn('bm@olbernhau.test', NEW_PASSWORD);
    await page.getByRole('link', { name: 'Konto' }).click();
    await page.waitForURL('**/konto');
    await page.getByLabel('Aktuelles Passwort').first().fill('Falsches-Passwort-1');
    await page.getByLabel('Neues Passwort').fill(STRONG_PASSWORD);
    await page.getByRole('button', { name: 'Passwort ändern' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Das aktuelle Passwort ist falsch.');
    await check('account-error');
    expect(await page.getByRole('link', { name: 'Meine Daten herunterladen' }).getAttribute('href')).toBe('/konto/daten');

    await page.getByLabel('Passwort', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Ja, ich möchte mein Konto endgültig löschen.').check();
    await page.getByRole('button', { name: 'Konto löschen' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toContain('Ihr Konto wurde gelöscht');
    await check('account-deleted');
    expect(await status(`SELECT display_name FROM user_account WHERE deleted_at IS NOT NULL`)).toEqual([
      { display_name: 'ehemaliger Kontakt' },
    ]);
    expect(await status(`SELECT email FROM user_account WHERE town_id IS NOT NULL AND email LIKE '%olbernhau%' ORDER BY email`)).toEqual([
      { email: 'stv@olbernhau.test' },
    ]);
  });
});
