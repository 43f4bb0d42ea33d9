import type { NestExpressApplication } from '@nestjs/platform-express';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RouteTemplate } from '../../scripts/fuzz-write-routes';

export interface WriteRoute {
  method: 'post' | 'put' | 'patch' | 'delete';
  path: string;
}

const WRITE = ['post', 'put', 'patch', 'delete'] as const;
const ALL = ['get', ...WRITE] as const;
export const SOME_UUID = '00000000-0000-4000-8000-000000000000';

type Router = { stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }> };
const routerOf = (app: NestExpressApplication) => app.getHttpAdapter().getInstance().router as Router;

/** Every state-changing route the running app has (from Express's router), route parameters filled with a UUID. */
export function listWriteRoutes(app: NestExpressApplication): WriteRoute[] {
  return listRoutes(app)
    .filter((r): r is WriteRoute & RouteTemplate => r.method !== 'get')
    .map((r) => ({ method: r.method, path: r.path.replace(/:\w+/g, SOME_UUID) }));
}

/** Every route the running app has, GET included, as declared (`:name` parameters). */
export function listRoutes(app: NestExpressApplication): RouteTemplate[] {
  const out: RouteTemplate[] = [];
  for (const layer of routerOf(app).stack) {
    if (!layer.route) continue;
    for (const method of ALL) if (layer.route.methods[method]) out.push({ method, path: layer.route.path });
  }
  return out;
}

export interface PageForm {
  method: 'get' | 'post';
  /** The form's action as a pattern: `{{…}}` parts match one path segment. */
  action: RegExp;
  fields: string[];
  /** Fixed values of hidden fields (`action`, `decision`, …): the branch the form takes. */
  fixed: Record<string, string>;
}

/** The forms of the page templates: which fields each posts (or sends as a GET query) to which route. */
export function pageForms(templatesDir: string): PageForm[] {
  const out: PageForm[] = [];
  for (const file of readdirSync(templatesDir, { recursive: true }) as string[]) {
    if (!file.endsWith('.hbs')) continue;
    const text = readFileSync(join(templatesDir, file), 'utf8');
    for (const m of text.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
      const action = /action="([^"?]*)/.exec(m[1])?.[1];
      if (!action) continue;
      const method = /method="get"/i.test(m[1]) ? 'get' : 'post';
      const pattern = action
        .split(/\{\{[^}]*\}\}/)
        .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('[^/]+');
      const fields = new Set<string>();
      const fixed: Record<string, string> = {};
      for (const input of m[2].matchAll(/<(?:input|select|textarea)\b[^>]*\bname="([\w[\]]+)"[^>]*>/g)) {
        if (input[1] === '_csrf') continue;
        fields.add(input[1]);
        const value = /\bvalue="([^"{}]+)"/.exec(input[0])?.[1];
        if (value && /type="hidden"/.test(input[0])) fixed[input[1]] = value;
      }
      out.push({ method, action: new RegExp(`^${pattern}$`), fields: [...fields], fixed });
    }
  }
  return out;
}

/** Query keys the controllers read (`@Query('x')`, `query.x`, `req.query.x`), for routes whose keys are not declared. */
export function sourceQueryKeys(srcDir: string): string[] {
  const keys = new Set<string>();
  for (const file of readdirSync(srcDir, { recursive: true }) as string[]) {
    if (!file.endsWith('.ts')) continue;
    const text = readFileSync(join(srcDir, file), 'utf8');
    for (const m of text.matchAll(/@Query\('(\w+)'\)|\bquery\.(\w+)|\bquery\[['"](\w+)['"]\]/g)) keys.add(m[1] ?? m[2] ?? m[3]);
  }
  return [...keys].sort();
}

/** Body fields the page controllers read (`body.x`, `asText(body.x)`), for page routes without a form in the templates. */
export function sourceBodyFields(srcDir: string): string[] {
  const keys = new Set<string>();
  for (const file of readdirSync(srcDir, { recursive: true }) as string[]) {
    if (!file.endsWith('.ts')) continue;
    for (const m of readFileSync(join(srcDir, file), 'utf8').matchAll(/\bbody\.(\w+)/g)) keys.add(m[1]);
  }
  return [...keys].sort();
}
