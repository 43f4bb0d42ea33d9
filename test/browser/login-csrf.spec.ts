import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Browser } from 'playwright-core';
import { hashPassword } from '../../src/auth/password.util';
import { TEST_PASSWORD_HASH } from '../utils/test-env';
import { createOfficeUser } from '../factories/directory.factory';
import { launchBrowser } from '../utils/browser';
import { bootApp, TestApp } from '../utils/boot-app';
import { waitFor } from '../utils/wait-for';

const ATTACKER = { email: 'angreifer@akademie.test', password: 'Angreifer-Passwort-1' };

/** Login CSRF (issue 9, item 3) as the audit did it: another site's page logs the visitor in as the attacker. */
describe('login CSRF from another origin in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let evil: Server;
  let evilUrl: string;

  beforeAll(async () => {
    t = await bootApp('sec_browser_csrf');
    await createOfficeUser(t.db, ATTACKER.email, await hashPassword(ATTACKER.password, TEST_PASSWORD_HASH));
    // The answer replaces the whole page (target _top), so it can be read: inside a frame our X-Frame-Options would hide it.
    const form = `<form method="post" action="${t.url}/anmelden" target="_top"><input name="email" value="${ATTACKER.email}"><input name="password" value="${ATTACKER.password}"></form>`;
    const pages: Record<string, string> = {
      // A sandboxed iframe sends `Origin: null`.
      '/sandboxed': `<!doctype html><iframe sandbox="allow-forms allow-scripts allow-top-navigation" srcdoc='${form}<script>document.forms[0].submit()</script>'></iframe>`,
      '/direct': `<!doctype html>${form}<script>document.forms[0].submit()</script>`,
    };
    evil = createServer((req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(pages[req.url ?? ''] ?? ''));
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
    evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}`;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => evil?.close(r));
    await t?.close();
  });

  it.each(['/sandboxed', '/direct'])('a form auto-submitted from %s on another origin logs nobody in', async (path) => {
    const context = await browser.newContext({ locale: 'de-DE' });
    const page = await context.newPage();
    await page.goto(`${evilUrl}${path}`);
    // The form posts itself and the service's answer becomes the page.
    const shown = await waitFor(
      async () => {
        const html = page.url() === `${t.url}/anmelden` ? await page.content().catch(() => '') : '';
        return html.includes('role="alert"') ? html : '';
      },
      { timeoutMs: 60_000, intervalMs: 100, what: 'the login page with its alert' },
    );
    expect(shown).toMatch(/wurde abgelehnt|stammt nicht von dieser Seite/);
    const sessions = await t.db.query(`SELECT count(*)::int AS n FROM http_session WHERE sess::text LIKE '%passport%'`);
    expect(sessions.rows[0].n).toBe(0);
    // The victim's browser is not signed in on the service.
    await page.goto(`${t.url}/`);
    expect(await page.getByRole('button', { name: 'Abmelden' }).count()).toBe(0);
    await context.close();
  });
});
