import type { NestExpressApplication } from '@nestjs/platform-express';

export type RouteMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface AppRoute {
  method: RouteMethod;
  /** Express's pattern, parameters unfilled ("/api/towns/:id"). */
  path: string;
}

const METHODS: readonly RouteMethod[] = ['get', 'post', 'put', 'patch', 'delete'];

/** Every route the running app has (from Express's router), with its parameters unfilled; one entry per method. */
export function listRoutes(app: NestExpressApplication, methods: readonly RouteMethod[] = METHODS): AppRoute[] {
  const router = app.getHttpAdapter().getInstance().router as {
    stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }>;
  };
  const out: AppRoute[] = [];
  for (const layer of router.stack) {
    if (!layer.route) continue;
    for (const method of methods) if (layer.route.methods[method]) out.push({ method, path: layer.route.path });
  }
  return out;
}

/** The names of a pattern's parameters, in order ("/a/:id/b/:userId" → ["id", "userId"]). */
export const paramsOf = (path: string): string[] => [...path.matchAll(/:(\w+)/g)].map((m) => m[1]);

/** The pattern with its parameters filled from `values` (by name). */
export const fillPath = (path: string, values: Record<string, string>): string =>
  path.replace(/:(\w+)/g, (_, name: string) => {
    if (!(name in values)) throw new Error(`No value for :${name} in ${path}`);
    return values[name];
  });
