import { Browser, BrowserContext, Page } from 'playwright-core';
import { hashPassword } from '../../src/auth/password.util';
import { TEST_PASSWORD_HASH } from '../utils/test-env';
import { createOfficeUser, insertMunicipalities, TEST_TOWNS } from '../factories/directory.factory';
import { A11yViolation, checkA11y, describeViolation, isSerious, launchBrowser, screenshot } from '../utils/browser';
import { bootApp, TestApp } from '../utils/boot-app';

const PASSWORD = 'Sicheres-Passwort-2024';
const MAYOR = 'bm@olbernhau.test';
const OFFICE = { email: 'office@akademie.test', password: 'Office-Passwort-123' };
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

describe('German pages in headless Chromium (phone-sized, office on desktop), with axe', () => {
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** Moderate and minor findings do not fail the test; they are listed once at the end. */
  const lesser: A11yViolation[] = [];

  /** Full-page screenshot, then axe: no serious or critical WCAG 2 A/AA violation on this page. */
  async function check(name: string) {
    await screenshot(page, name);
    const all = await checkA11y(page, name);
    lesser.push(...all.filter((v) => !isSerious(v)));
    expect({ page: name, violations: all.filter(isSerious).map(describeViolation) }).toEqual({ page: name, violations: [] });
  }

  async function logIn(email: string, password: string) {
    await page.getByLabel('E-Mail-Adresse').fill(email);
    await page.getByLabel('Passwort').fill(password);
    await page.getByRole('button', { name: 'Anmelden' }).click();
  }

  const count = async (sql: string, params: unknown[] = []) => Number((await t.db.query(sql, params)).rows[0].count);

  beforeAll(async () => {
    t = await bootApp('browser');
    await insertMunicipalities(t, TEST_TOWNS);
    await createOfficeUser(t.db, OFFICE.email, await hashPassword(OFFICE.password, TEST_PASSWORD_HASH));
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: PHONE, locale: 'de-DE' });
    page = await context.newPage();
  });
  afterAll(async () => {
    if (lesser.length)
      console.info(`axe, moderate/minor (not failing):\n${lesser.map((v) => `${v.page}: ${describeViolation(v)}`).join('\n')}`);
    await context?.close();
    await browser?.close();
    await t?.close();
  });

  it('a mayor registers Olbernhau, confirms the email and fills in the profile', async () => {
    await page.goto(t.url);
    expect(await page.locator('html').getAttribute('lang')).toBe('de');
    await expect(page.locator('h1').textContent()).resolves.toContain('Kleinstädte lernen von Kleinstädten');
    await check('01-home');

    await page.getByRole('link', { name: 'Kommune registrieren' }).first().click();
    await page.waitForURL('**/registrieren');
    await page.getByLabel('Name oder Postleitzahl Ihrer Kommune').fill('Olbernhau');
    await page.getByRole('button', { name: 'Suchen' }).click();
    await page.waitForURL('**/registrieren?suche=Olbernhau');
    await expect(page.getByRole('group', { name: 'Ihre Kommune' }).textContent()).resolves.toMatch(
      /Olbernhau[\s\S]*10\.966 Einwohner[\s\S]*PLZ 09526/,
    );
    await check('02-register-search');

    // A weak password: German message on the page, nothing stored.
    await page.getByLabel(/Olbernhau/).check();
    await page.getByLabel('Ihr Name').fill('Jörg Klaus');
    await page.getByLabel('Ihre Funktion').selectOption('mayor');
    await page.getByLabel('Dienstliche E-Mail-Adresse').fill(MAYOR);
    await page.getByLabel('Passwort').fill('schwach');
    await page.getByLabel(/Datenschutzerklärung gelesen/).check();
    await page.getByRole('button', { name: 'Registrieren' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Das Passwort ist zu schwach');
    expect(await count(`SELECT count(*) FROM town`)).toBe(0);
    expect(await count(`SELECT count(*) FROM user_account WHERE email = $1`, [MAYOR])).toBe(0);
    expect(await page.getByLabel('Ihr Name').inputValue()).toBe('Jörg Klaus');
    await check('03-register-weak-password');

    await page.getByLabel(/Olbernhau/).check();
    await page.getByLabel('Passwort').fill(PASSWORD);
    await page.getByRole('button', { name: 'Registrieren' }).click();
    await page.waitForURL('**/registriert');
    await expect(page.locator('h1').textContent()).resolves.toBe('Fast geschafft');
    await check('04-registered');

    const mail = await t.smtp.waitFor((m) => (m.text ?? '').includes('bestaetigen?token='));
    expect([mail.to].flat()[0]!.text).toBe(MAYOR);
    const link = /(http:\/\/\S+bestaetigen\?token=[\w-]+)/.exec(mail.text!)![1];
    await page.goto(link);
    await check('05-confirm');
    await page.getByRole('button', { name: 'Jetzt bestätigen' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toContain('Ihre E-Mail-Adresse ist bestätigt');
    await expect(page.locator('h1').textContent()).resolves.toBe('E-Mail-Adresse bestätigt');
    await check('06-confirmed');

    await page.getByRole('link', { name: 'Anmelden' }).last().click();
    await page.waitForURL('**/anmelden');
    await logIn(MAYOR, 'Falsches-Passwort-1');
    await expect(page.getByRole('alert').textContent()).resolves.toContain('E-Mail-Adresse oder Passwort ist falsch.');
    await check('07-login-error');
    await logIn(MAYOR, PASSWORD);
    await page.waitForURL('**/meine-kommune');
    await expect(page.locator('h1').textContent()).resolves.toBe('Olbernhau');
    await expect(page.getByRole('status').first().textContent()).resolves.toContain('wird von der Geschäftsstelle geprüft');

    await page.getByLabel('Leerstand').check();
    await page.getByLabel('Mobilität').check();
    await page.getByLabel('Thema (Herausforderung 1)').selectOption('leerstand');
    await page.getByLabel('Kurzbeschreibung (Herausforderung 1)').fill('Leere Ladenlokale an der Freiberger Straße');
    await page.getByLabel('Dringlichkeit (Herausforderung 1)').selectOption('3');
    await page.getByLabel('Thema (Erfahrung 1)').selectOption('mobilitaet');
    await page.getByLabel('Was wurde erprobt? (Erfahrung 1)').fill('Bürgerbus für die Ortsteile');
    await page.getByLabel('Wie viele Tandems').fill('2');
    await page.getByRole('button', { name: 'Profil speichern' }).click();
    await page.waitForURL('**/meine-kommune?gespeichert=1');
    await expect(page.getByRole('status').filter({ hasText: 'Ihr Profil wurde gespeichert.' }).isVisible()).resolves.toBe(true);
    // The page after the redirect is read back from the database.
    expect(await page.getByLabel('Leerstand').isChecked()).toBe(true);
    expect(await page.getByLabel('Mobilität').isChecked()).toBe(true);
    expect(await page.getByLabel('Einzelhandel').isChecked()).toBe(false);
    expect(await page.getByLabel('Thema (Herausforderung 1)').inputValue()).toBe('leerstand');
    expect(await page.getByLabel('Kurzbeschreibung (Herausforderung 1)').inputValue()).toBe('Leere Ladenlokale an der Freiberger Straße');
    expect(await page.getByLabel('Dringlichkeit (Herausforderung 1)').inputValue()).toBe('3');
    expect(await page.getByLabel('Thema (Erfahrung 1)').inputValue()).toBe('mobilitaet');
    expect(await page.getByLabel('Was wurde erprobt? (Erfahrung 1)').inputValue()).toBe('Bürgerbus für die Ortsteile');
    expect(await page.getByLabel('Wie viele Tandems').inputValue()).toBe('2');
    await check('08-profile');

    await page.getByLabel('Kurzbeschreibung (Herausforderung 1)').fill('x');
    await page.getByRole('button', { name: 'Profil speichern' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Bitte beschreiben Sie jede Herausforderung');
    await check('09-profile-error');
    const kept = await t.db.query(`SELECT text FROM town_challenge`);
    expect(kept.rows).toEqual([{ text: 'Leere Ladenlokale an der Freiberger Straße' }]);

    await page.getByRole('button', { name: 'Abmelden' }).click();
    await page.waitForURL(`${t.url}/`);
  });

  it('the Geschäftsstelle sees the directory facts beside the entry, needs a reason to reject, and verifies', async () => {
    await page.setViewportSize(DESKTOP);
    await page.goto(`${t.url}/geschaeftsstelle/registrierungen`);
    await page.waitForURL('**/anmelden?next=*');
    await logIn(OFFICE.email, OFFICE.password);
    await page.waitForURL('**/geschaeftsstelle/registrierungen');
    const card = page.getByRole('region', { name: /Olbernhau/ });
    await expect(card.textContent()).resolves.toMatch(
      /Amtliches Gemeindeverzeichnis[\s\S]*AGS\s*14521450[\s\S]*Einwohner\s*10\.966[\s\S]*Angaben bei der Registrierung[\s\S]*Jörg Klaus[\s\S]*bm@olbernhau\.test[\s\S]*E-Mail bestätigt\s*ja/,
    );
    await check('10-office-registrations');

    await card.getByRole('button', { name: 'Ablehnen' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Bitte geben Sie eine Begründung');
    expect((await t.db.query(`SELECT status FROM town`)).rows).toEqual([{ status: 'pending' }]);
    await check('11-office-reject-without-reason');

    await page
      .getByRole('region', { name: /Olbernhau/ })
      .getByRole('button', { name: 'Bestätigen' })
      .click();
    await expect(page.getByRole('status').textContent()).resolves.toContain('Die Registrierung wurde bestätigt');
    await expect(page.getByText('Zurzeit liegen keine offenen Registrierungen vor.').isVisible()).resolves.toBe(true);
    await check('12-office-done');
    expect((await t.db.query(`SELECT status FROM town`)).rows).toEqual([{ status: 'verified' }]);
    const mail = await t.smtp.waitFor((m) => m.subject === 'Ihre Registrierung von Olbernhau wurde bestätigt');
    expect([mail.to].flat()[0]!.text).toBe(MAYOR);
    await page.getByRole('button', { name: 'Abmelden' }).click();
    await page.waitForURL(`${t.url}/`);
  });

  it('shows German error pages: unknown page, and the office page for a mayor', async () => {
    await page.setViewportSize(PHONE);
    const res = await page.goto(`${t.url}/gibt-es-nicht`);
    expect(res!.status()).toBe(404);
    await expect(page.getByRole('alert').textContent()).resolves.toBe('Die Seite wurde nicht gefunden.');
    await check('13-not-found');

    await page.goto(`${t.url}/anmelden`);
    await logIn(MAYOR, PASSWORD);
    await page.waitForURL('**/meine-kommune');
    expect(await page.getByText('wird von der Geschäftsstelle geprüft').count()).toBe(0);
    const forbidden = await page.goto(`${t.url}/geschaeftsstelle/registrierungen`);
    expect(forbidden!.status()).toBe(403);
    await expect(page.getByRole('alert').textContent()).resolves.toBe('Sie haben keine Berechtigung für diese Seite.');
    await check('14-forbidden');
  });
});
