/// <reference lib="dom" />
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';

const SCREENSHOT_DIR = resolve(__dirname, '../../test-output/screenshots');
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Debian's Chromium, never a downloaded one; flags keep it off the (closed) network. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

interface AxeResult {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

export interface A11yViolation {
  page: string;
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core (WCAG 2.0/2.1 A and AA) in the page and returns every violation, tagged with the page name.
 * The source is evaluated over the DevTools protocol, so helmet's CSP (no inline scripts) does not block it.
 */
export async function checkA11y(page: Page, name: string): Promise<A11yViolation[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: AxeResult[] }> } }).axe;
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations;
  });
  return violations.map((v) => ({
    page: name,
    id: v.id,
    impact: v.impact ?? 'unknown',
    help: v.help,
    targets: v.nodes.map((n) => n.target.join(' ')),
  }));
}

export const isSerious = (v: A11yViolation) => v.impact === 'serious' || v.impact === 'critical';

/** One readable line per violation, for assertion diffs and logs. */
export const describeViolation = (v: A11yViolation) => `${v.impact} ${v.id}: ${v.help} at ${v.targets.join(', ')}`;

/** The serious and critical violations of a page, readable. */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  return (await checkA11y(page, '')).filter(isSerious).map(describeViolation);
}

/** Logs in on the login form the page shows and waits until the redirect has left the login page. */
export async function browserLogin(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('E-Mail-Adresse').fill(email);
  await page.getByLabel('Passwort').fill(password);
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await page.waitForURL((url) => url.pathname !== '/anmelden');
}

/** axe at the current width and at 390 px (with screenshots), and nothing wider than the phone screen. */
export async function checkAtBothWidths(page: Page, name: string): Promise<void> {
  const desktop = page.viewportSize()!;
  await screenshot(page, `${name}-desktop`);
  expect({ page: name, violations: await seriousA11yViolations(page) }).toEqual({ page: name, violations: [] });
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, `${name}-phone`);
  expect({ page: `${name} (390 px)`, violations: await seriousA11yViolations(page) }).toEqual({ page: `${name} (390 px)`, violations: [] });
  expect({ page: name, scrollWidth: await page.evaluate(() => document.documentElement.scrollWidth) }).toEqual({
    page: name,
    scrollWidth: 390,
  });
  await page.setViewportSize(desktop);
}
