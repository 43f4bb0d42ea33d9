import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { join } from 'node:path';
import { installSessionQueryQueue, type RefusedWait } from './session-query-queue';

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

/** PGlite (PostgreSQL in WASM) persisted in the data folder, served on loopback so `pg` and TypeORM run unchanged. */
export interface EmbeddedPostgresOptions {
  port?: number;
  /** Longest wait of a statement for the one session before it is refused as busy (ms). */
  sessionWaitMs?: number;
}

/** The launcher's log line for a refused wait: what waited, and who held the session. */
function describeRefusedWait(r: RefusedWait): string {
  const holder = r.holder
    ? `connection #${r.holder.handlerId} held it in a transaction for ${(r.holder.heldMs / 1000).toFixed(1)} s`
    : 'it was busy with other statements';
  return `Embedded database: a statement of connection #${r.handlerId} waited ${(r.waitedMs / 1000).toFixed(1)} s for the session (${holder}); refused as busy.`;
}

export async function startEmbeddedPostgres(dataDir: string, opts: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  const db = await PGlite.create(join(dataDir, 'pglite'));
  // pglite-socket shares one session and ignores per-connection options, so BullMQ's `-c search_path=bullmq`
  // never arrives: put its schema on the path once, after public so our own tables are created in public.
  await db.exec('SET search_path TO public, bullmq');
  // Port 0: the OS picks a free one when it listens (no probe-then-bind race).
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: opts.port ?? 0, maxConnections: 100 });
  const queue = installSessionQueryQueue(server, db, {
    waitLimitMs: opts.sessionWaitMs,
    onRefused: (r) => console.warn(describeRefusedWait(r)),
  });
  await server.start();
  const listenPort = Number(server.getServerConn().split(':').pop());
  return {
    url: `postgres://postgres@127.0.0.1:${listenPort}/postgres`,
    async stop() {
      queue.stop();
      // Stopping with clients attached can hang: the children are stopped first, and this is bounded.
      await Promise.race([server.stop(), new Promise((r) => setTimeout(r, 3000))]);
      await Promise.race([db.close(), new Promise((r) => setTimeout(r, 3000))]);
    },
  };
}
