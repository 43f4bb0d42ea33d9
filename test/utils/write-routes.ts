import type { NestExpressApplication } from '@nestjs/platform-express';

export interface WriteRoute {
  method: 'post' | 'put' | 'patch' | 'delete';
  path: string;
}

const WRITE = ['post', 'put', 'patch', 'delete'] as const;
export const SOME_UUID = '00000000-0000-4000-8000-000000000000';

/** Every state-changing route the running app has (from Express's router), route parameters filled with a UUID. */
export function listWriteRoutes(app: NestExpressApplication): WriteRoute[] {
  const router = app.getHttpAdapter().getInstance().router as {
    stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }>;
  };
  const out: WriteRoute[] = [];
  for (const layer of router.stack) {
    if (!layer.route) continue;
    for (const method of WRITE) {
      if (layer.route.methods[method]) out.push({ method, path: layer.route.path.replace(/:\w+/g, SOME_UUID) });
    }
  }
  return out;
}
