import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { createServer } from 'node:net';
import { join } from 'node:path';

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

/** PGlite (PostgreSQL in WASM) persisted in the data folder, served on loopback so `pg` and TypeORM run unchanged. */
export async function startEmbeddedPostgres(dataDir: string, port?: number): Promise<EmbeddedPostgres> {
  const db = await PGlite.create(join(dataDir, 'pglite'));
  // pglite-socket shares one session and ignores per-connection options, so BullMQ's `-c search_path=bullmq`
  // never arrives: put its schema on the path once, after public so our own tables are created in public.
  await db.exec('SET search_path TO public, bullmq');
  const listenPort = port ?? (await freePort());
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: listenPort, maxConnections: 100 });
  await server.start();
  return {
    url: `postgres://postgres@127.0.0.1:${listenPort}/postgres`,
    async stop() {
      // Stopping with clients attached can hang: the children are stopped first, and this is bounded.
      await Promise.race([server.stop(), new Promise((r) => setTimeout(r, 3000))]);
      await Promise.race([db.close(), new Promise((r) => setTimeout(r, 3000))]);
    },
  };
}
