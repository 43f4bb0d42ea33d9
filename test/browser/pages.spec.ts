import { Browser, BrowserContext, Page } from 'playwright-core';
import { hashPassword } from '../../src/auth/password.util';
import { createOfficeUser, insertMunicipalities, TEST_TOWNS } from '../factories/directory.factory';
import { launchBrowser, screenshot, seriousA11yViolations } from '../utils/browser';
import { bootApp, TestApp } from '../utils/boot-app';

const PASSWORD = 'Sicheres-Passwort-2024';
const OFFICE = { email: 'office@akademie.test', password: 'Office-Passwort-123' };
const PHONE = { width: 390, height: 844 };

describe('German pages in headless Chromium (phone-sized), with axe', () => {
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  async function check(name: string) {
    await screenshot(page, name);
    expect({ page: name, violations: await seriousA11yViolations(page) }).toEqual({ page: name, violations: [] });
  }

  beforeAll(async () => {
    t = await bootApp('browser');
    await insertMunicipalities(t.db, TEST_TOWNS);
    await createOfficeUser(t.db, OFFICE.email, await hashPassword(OFFICE.password));
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: PHONE, locale: 'de-DE' });
    page = await context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('a mayor registers Olbernhau, confirms the email and fills in the profile', async () => {
    await page.goto(t.url);
    expect(await page.locator('html').getAttribute('lang')).toBe('de');
    await expect(page.locator('h1').textContent()).resolves.toContain('Kleinstädte lernen von Kleinstädten');
    await check('01-home');

    await page.getByRole('link', { name: 'Kommune registrieren' }).first().click();
    await page.getByLabel('Name oder Postleitzahl Ihrer Kommune').fill('Olbern');
    await page.getByRole('button', { name: 'Suchen' }).click();
    await page.getByLabel(/Olbernhau/).check();
    await page.getByLabel('Ihr Name').fill('Jörg Klaus');
    await page.getByLabel('Dienstliche E-Mail-Adresse').fill('bm@olbernhau.test');
    await page.getByLabel('Passwort').fill('schwach');
    await page.getByRole('button', { name: 'Registrieren' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Das Passwort ist zu schwach');
    expect(Number((await t.db.query(`SELECT count(*) FROM town`)).rows[0].count)).toBe(0);
    await check('02-register-error');

    await page.getByLabel(/Olbernhau/).check();
    await page.getByLabel('Passwort').fill(PASSWORD);
    await page.getByRole('button', { name: 'Registrieren' }).click();
    await page.waitForURL('**/registriert');
    await expect(page.locator('h1').textContent()).resolves.toBe('Fast geschafft');
    await check('03-registered');

    const mail = await t.smtp.waitFor((m) => (m.text ?? '').includes('bestaetigen?token='));
    const link = /(http:\/\/\S+bestaetigen\?token=[\w-]+)/.exec(mail.text!)![1];
    await page.goto(link);
    await check('04-confirm');
    await page.getByRole('button', { name: 'Jetzt bestätigen' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toContain('Ihre E-Mail-Adresse ist bestätigt');
    await check('05-confirmed');

    await page.goto(`${t.url}/anmelden`);
    await page.getByLabel('E-Mail-Adresse').fill('bm@olbernhau.test');
    await page.getByLabel('Passwort').fill('Falsches-Passwort-1');
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('E-Mail-Adresse oder Passwort ist falsch.');
    await check('06-login-error');
    await page.getByLabel('Passwort').fill(PASSWORD);
    await page.getByRole('button', { name: 'Anmelden' }).click();
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
    await expect(page.getByText('Ihr Profil wurde gespeichert.').isVisible()).resolves.toBe(true);
    expect(await page.getByLabel('Leerstand').isChecked()).toBe(true);
    expect(await page.getByLabel('Kurzbeschreibung (Herausforderung 1)').inputValue()).toBe('Leere Ladenlokale an der Freiberger Straße');
    await check('07-profile');

    await page.getByLabel('Kurzbeschreibung (Herausforderung 1)').fill('x');
    await page.getByRole('button', { name: 'Profil speichern' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Bitte beschreiben Sie jede Herausforderung');
    await check('08-profile-error');
    const kept = await t.db.query(`SELECT text FROM town_challenge`);
    expect(kept.rows).toEqual([{ text: 'Leere Ladenlokale an der Freiberger Straße' }]);

    await page.getByRole('button', { name: 'Abmelden' }).click();
    await page.waitForURL(`${t.url}/`);
  });

  it('the Geschäftsstelle sees the directory facts beside the entry and verifies', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${t.url}/geschaeftsstelle/registrierungen`);
    await page.waitForURL('**/anmelden?next=*');
    await page.getByLabel('E-Mail-Adresse').fill(OFFICE.email);
    await page.getByLabel('Passwort').fill(OFFICE.password);
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.waitForURL('**/geschaeftsstelle/registrierungen');
    const card = page.getByRole('region', { name: /Olbernhau/ });
    await expect(card.textContent()).resolves.toMatch(/AGS\s*14521450[\s\S]*Einwohner\s*10\.966[\s\S]*bm@olbernhau\.test[\s\S]*E-Mail bestätigt\s*ja/);
    await check('09-office-registrations');

    await card.getByRole('button', { name: 'Ablehnen' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Bitte geben Sie eine Begründung');
    await page.getByRole('region', { name: /Olbernhau/ }).getByRole('button', { name: 'Bestätigen' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toContain('Die Registrierung wurde bestätigt');
    await check('10-office-done');
    const mail = await t.smtp.waitFor((m) => m.subject === 'Ihre Registrierung von Olbernhau wurde bestätigt');
    expect([mail.to].flat()[0]!.text).toBe('bm@olbernhau.test');
  });

  it('shows a German error page for unknown pages and forbids the office page to others', async () => {
    const res = await page.goto(`${t.url}/gibt-es-nicht`);
    expect(res!.status()).toBe(404);
    await expect(page.getByRole('alert').textContent()).resolves.toBe('Die Seite wurde nicht gefunden.');
    await check('11-not-found');
  });
});
