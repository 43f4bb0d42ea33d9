import hbs from 'hbs';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { contactFunctionLabel } from './auth/contact-function.util';

const RUN_KINDS: Record<string, string> = { suggestions: 'Vorschläge', tandem_round: 'Tandemrunde', workshops: 'Transferwerkstatt' };
const RUN_STATUS: Record<string, string> = { running: 'läuft', done: 'fertig', failed: 'fehlgeschlagen' };
// One formatter each, made once: toLocaleString builds a new Intl formatter on every call, which cost about a sixth
// of the web process's CPU time under load (a page shows dozens of numbers and dates). Same output.
const NUMBER = new Intl.NumberFormat('de-DE');
const DATE_TIME = new Intl.DateTimeFormat('de-DE', { timeZone: 'Europe/Berlin', dateStyle: 'medium', timeStyle: 'short' });
const FIXED = new Intl.NumberFormat('de-DE', { maximumFractionDigits: 2, minimumFractionDigits: 2 });
let registered = false;

export function registerViewHelpers(pagesDir: string): void {
  if (registered) return;
  registered = true;
  registerCompiledPartials(join(pagesDir, 'partials'));
  hbs.registerHelper('eq', (a: unknown, b: unknown) => String(a) === String(b));
  hbs.registerHelper('inc', (i: number) => i + 1);
  hbs.registerHelper('num', (n: unknown) => (typeof n === 'number' ? NUMBER.format(n) : typeof n === 'string' ? n : '–'));
  hbs.registerHelper('date', (d: unknown) => (d ? DATE_TIME.format(new Date(d as string)) : '–'));
  hbs.registerHelper('fixed', (n: unknown) => (typeof n === 'number' ? FIXED.format(n) : '–'));
  hbs.registerHelper('runKind', (k: string) => RUN_KINDS[k] ?? k);
  hbs.registerHelper('runStatus', (s: string) => RUN_STATUS[s] ?? s);
  // Navigation: marks the link of the page shown (aria-current), by path prefix or, with `exact`, the path itself.
  hbs.registerHelper('navCurrent', function (href: string, ...args: unknown[]) {
    const options = args[args.length - 1] as { data?: { root?: { currentPath?: string } } };
    const exact = args.length > 1 && args[0] === true;
    const path = options.data?.root?.currentPath ?? '';
    const hit = exact ? path === href : path === href || path.startsWith(`${href}/`);
    return hit ? new hbs.handlebars.SafeString(' aria-current="page"') : '';
  });
  // Joins its arguments to one string (labels built in a template, e.g. for a partial's aria-label).
  hbs.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).map(String).join(''));
  hbs.registerHelper('functionLabel', (f: string) => contactFunctionLabel(f, f ?? '–'));
}

/**
 * Every partial compiled once, at start, under the name hbs's registerPartials would give it ("tandem_list" for
 * partials/tandem-list.hbs). Registered as text (as hbs does), Handlebars compiled a partial again on every page that
 * used it: 4–7 % of an office page's CPU (issue 29).
 */
function registerCompiledPartials(dir: string): void {
  for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const ext = extname(file);
    if (ext !== '.hbs' && ext !== '.html') continue;
    const name = file.slice(0, -ext.length).replace(/\\/g, '/').replace(/-/g, '_').replace(/ /g, '_');
    hbs.handlebars.registerPartial(name, hbs.handlebars.compile(readFileSync(join(dir, file), 'utf8')));
  }
}
