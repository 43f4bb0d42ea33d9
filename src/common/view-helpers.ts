import hbs from 'hbs';
import { join } from 'node:path';

const FUNCTIONS: Record<string, string> = { mayor: 'Bürgermeisterin / Bürgermeister', deputy: 'Stellvertretung', staff: 'Verwaltung' };
let registered = false;

export function registerViewHelpers(pagesDir: string): void {
  if (registered) return;
  registered = true;
  hbs.registerPartials(join(pagesDir, 'partials'));
  hbs.registerHelper('eq', (a: unknown, b: unknown) => String(a) === String(b));
  hbs.registerHelper('inc', (i: number) => i + 1);
  hbs.registerHelper('num', (n: unknown) => (typeof n === 'number' ? n.toLocaleString('de-DE') : n == null ? '–' : String(n)));
  hbs.registerHelper('date', (d: unknown) =>
    d ? new Date(d as string).toLocaleString('de-DE', { timeZone: 'Europe/Berlin', dateStyle: 'medium', timeStyle: 'short' }) : '–');
  hbs.registerHelper('functionLabel', (f: string) => FUNCTIONS[f] ?? f ?? '–');
}
