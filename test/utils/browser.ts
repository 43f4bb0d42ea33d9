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

const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * Runs axe-core (WCAG 2.0/2.1 A and AA, with `bestPractice` also axe's best-practice rules) in the page and returns
 * every violation, tagged with the page name.
 * The source is evaluated over the DevTools protocol, so helmet's CSP (no inline scripts) does not block it.
 */
export async function checkA11y(page: Page, name: string, opts: { bestPractice?: boolean } = {}): Promise<A11yViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const tags = opts.bestPractice ? [...WCAG_21_AA, 'best-practice'] : WCAG_21_AA;
  const violations = await page.evaluate(async (values) => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: AxeResult[] }> } }).axe;
    const r = await axe.run(document, { runOnly: { type: 'tag', values } });
    return r.violations;
  }, tags);
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

/**
 * Elements wider than their container outside an explicit scroll container (overflow-x auto/scroll), one readable line
 * each: an element that sticks out of its parent's box (it overlaps its neighbours), that is cut off by a clipping
 * ancestor, that reaches past the viewport, or whose own content (a long word) runs out of it. Inside a scroll
 * container nothing is checked (it scrolls); the container itself is. Visually hidden content (clip), closed details,
 * absolutely positioned boxes (skip link) and the inside of SVG graphics are left out.
 */
export function overflowingElements(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const TOLERANCE = 1;
    const viewport = document.documentElement.clientWidth;
    const style = new Map<Element, CSSStyleDeclaration>();
    const css = (el: Element) => style.get(el) ?? (style.set(el, getComputedStyle(el)), style.get(el)!);
    const scrolls = (el: Element) => ['auto', 'scroll'].includes(css(el).overflowX);
    const clips = (el: Element) => ['hidden', 'clip'].includes(css(el).overflowX);
    const label = (el: Element) => {
      const cls = typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\s+/).join('.') : '';
      const text = (el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 40);
      return `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${cls} "${text}"`;
    };
    const out: string[] = [];
    const all = document.body.querySelectorAll('*');
    for (const el of all) {
      if (el.closest('svg') !== el && el.closest('svg')) continue;
      const cs = css(el);
      if (cs.display === 'none' || cs.display === 'contents' || cs.visibility === 'hidden' || cs.position === 'fixed') continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      let hidden = false;
      let scroller = false;
      let clipper: Element | null = null;
      for (let a = el.parentElement; a && a !== document.documentElement; a = a.parentElement) {
        const as = css(a);
        if (as.clip !== 'auto' || as.clipPath !== 'none' || as.position === 'absolute') hidden = true;
        if (a.tagName === 'DETAILS' && !(a as HTMLDetailsElement).open) hidden = true;
        if (scrolls(a)) scroller = true;
        if (!clipper && clips(a)) clipper = a;
      }
      if (hidden || scroller || cs.clip !== 'auto' || cs.position === 'absolute') continue;
      const where = label(el);
      const parent = el.parentElement!;
      const ps = css(parent);
      if (parent !== document.body && ps.display !== 'inline') {
        const p = parent.getBoundingClientRect();
        const ml = Math.max(0, -parseFloat(cs.marginLeft) || 0);
        const mr = Math.max(0, -parseFloat(cs.marginRight) || 0);
        if (r.left < p.left - ml - TOLERANCE || r.right > p.right + mr + TOLERANCE)
          out.push(
            `${where} sticks out of ${label(parent)} (${Math.round(r.left)}–${Math.round(r.right)} in ${Math.round(p.left)}–${Math.round(p.right)})`,
          );
      }
      if (clipper) {
        const c = clipper.getBoundingClientRect();
        if (r.left < c.left - TOLERANCE || r.right > c.right + TOLERANCE) out.push(`${where} is cut off by ${label(clipper)}`);
      }
      if (r.left < -TOLERANCE || r.right > viewport + TOLERANCE)
        out.push(`${where} reaches past the viewport (${Math.round(r.right)} > ${viewport})`);
      if (!scrolls(el) && !clips(el) && cs.display !== 'inline' && el.scrollWidth > el.clientWidth + TOLERANCE && el.clientWidth > 0)
        out.push(`${where}: its content is ${el.scrollWidth}px wide in ${el.clientWidth}px`);
    }
    return [...new Set(out)].slice(0, 40);
  });
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
