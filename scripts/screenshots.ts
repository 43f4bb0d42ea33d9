/**
 * Screenshots of the suggestions page (as the demo mayor) and the office start page (as the demo office) at a desktop
 * width (1366 px) and a phone width (390 px), into docs/screenshots/ (issue 30). Starts the real launcher on the
 * embedded default with a fresh data folder and the demo data, drives Debian's Chromium, then stops the service.
 *
 * Usage: npm run build && node dist/scripts/screenshots.js   (SCREENSHOT_DIR=… to write elsewhere; PAGES=extra,paths)
 */
/// <reference lib="dom" />
import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, Page } from 'playwright-core';

const ROOT = resolve(__dirname, '../..');
const LAUNCHER = join(ROOT, 'dist/src/launcher.js');
const OUT = resolve(process.env.SCREENSHOT_DIR ?? join(ROOT, 'docs/screenshots'));
const WIDTHS = [
  { name: 'desktop', width: 1366, height: 900 },
  { name: 'phone', width: 390, height: 844 },
];

async function launch(dataDir: string): Promise<{ proc: ChildProcess; url: string; output: () => string }> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const url = `http://127.0.0.1:${port}`;
  const proc = spawn(process.execPath, [LAUNCHER], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LOG_LEVEL: 'warn',
      PORT: String(port),
      APP_URL: url,
      DATA_DIR: dataDir,
      RESET_DEMO_PASSWORDS: 'true',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (out += d));
  for (let i = 0; i < 2400; i++) {
    if (proc.exitCode !== null) throw new Error(`launcher exited:\n${out}`);
    const ok = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { proc, url, output: () => out };
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no healthy service:\n${out}`);
}

const password = (output: string, email: string) => {
  const m = new RegExp(`${email.replace(/[.]/g, '\\.')} / (Demo-[\\w-]+)`).exec(output);
  if (!m) throw new Error(`no demo login for ${email} in the output:\n${output}`);
  return m[1];
};

async function login(page: Page, url: string, email: string, pass: string): Promise<void> {
  await page.goto(`${url}/anmelden`);
  await page.getByLabel('E-Mail-Adresse').fill(email);
  await page.getByLabel('Passwort').fill(pass);
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await page.waitForURL((u) => u.pathname !== '/anmelden');
}

/** The suggestions are computed after the start; reload until the first card is there (at most a minute). */
async function gotoWhen(page: Page, url: string, selector: string): Promise<void> {
  for (let i = 0; i < 60; i++) {
    await page.goto(url);
    if ((await page.locator(selector).count()) > 0) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`${url}: ${selector} did not appear`);
}

async function shoot(page: Page, name: string): Promise<void> {
  for (const w of WIDTHS) {
    await page.setViewportSize({ width: w.width, height: w.height });
    const file = join(OUT, `${name}-${w.name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    console.log(file);
  }
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'kt-screenshots-'));
  const service = await launch(dataDir);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  try {
    const mayor = await (await browser.newContext({ viewport: WIDTHS[0], locale: 'de-DE' })).newPage();
    await login(
      mayor,
      service.url,
      'buergermeister@seelow.demo.kleinstadt-tandem.de',
      password(service.output(), 'buergermeister@seelow.demo.kleinstadt-tandem.de'),
    );
    await gotoWhen(mayor, `${service.url}/vorschlaege`, 'li.suggestion');
    await shoot(mayor, 'suggestions');
    const office = await (await browser.newContext({ viewport: WIDTHS[0], locale: 'de-DE' })).newPage();
    await login(
      office,
      service.url,
      'geschaeftsstelle@demo.kleinstadt-tandem.de',
      password(service.output(), 'geschaeftsstelle@demo.kleinstadt-tandem.de'),
    );
    await office.goto(`${service.url}/geschaeftsstelle`);
    await shoot(office, 'office-home');
    for (const path of (process.env.PAGES ?? '').split(',').filter(Boolean)) {
      await office.goto(`${service.url}${path}`);
      await shoot(office, `extra${path.replace(/[^a-z0-9]+/gi, '-')}`);
    }
  } finally {
    await browser.close();
    const exited = new Promise((r) => service.proc.once('exit', r));
    service.proc.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
