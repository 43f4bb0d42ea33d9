import type { PGlite } from '@electric-sql/pglite';
import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * PGlite has ONE session; pglite-socket multiplexes every client connection onto it, one protocol message
 * at a time. Its own queue keeps a client's messages together only inside a BEGIN … COMMIT block, not
 * within an extended-protocol batch (Parse, Bind, Describe, Execute … Sync). Between two TCP chunks another
 * connection's Parse could replace the unnamed statement, and the first client's Bind then ran someone
 * else's SQL with its parameters (seen: BullMQ's `next_signal` parameters bound to another statement).
 *
 * This queue gives the session to one connection from its first message of a batch until the batch ends
 * (Sync or a simple Query) and, as before, for as long as that connection keeps a transaction block open.
 */
const BATCH_CONTINUES = new Set(['P', 'B', 'D', 'E', 'C', 'H'].map((c) => c.charCodeAt(0)));
const SYNC = new Uint8Array([0x53, 0, 0, 0, 4]);

function simpleQuery(sql: string): Uint8Array {
  const body = Buffer.from(`${sql}\0`, 'utf8');
  const msg = Buffer.alloc(5 + body.length);
  msg.write('Q', 0, 'latin1');
  msg.writeInt32BE(4 + body.length, 1);
  body.copy(msg, 5);
  return new Uint8Array(msg);
}

interface Pending {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (err: Error) => void;
}

export class SessionQueryQueue {
  private queue: Pending[] = [];
  /** The connection that holds the session (mid-batch or in a transaction block); null when it is free. */
  private owner: number | null = null;
  private midBatch = false;
  private running = false;

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject });
      void this.drain();
    });
  }

  getQueueLength(): number {
    return this.queue.length;
  }

  clearQueueForHandler(handlerId: number): void {
    this.queue = this.queue.filter((q) => {
      if (q.handlerId !== handlerId) return true;
      q.reject(new Error('Handler disconnected'));
      return false;
    });
  }

  /** Called when a connection goes away: end its batch and roll back its open transaction, then free the session. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    // State changes happen under PGlite's lock, so this cannot interleave with a message still running.
    await this.db.runExclusive(async () => {
      if (this.owner !== handlerId) return;
      const discard = { onRawData: () => undefined };
      if (this.midBatch) await this.db.execProtocolRawStream(SYNC, discard);
      if (this.db.isInTransaction()) await this.db.execProtocolRawStream(simpleQuery('ROLLBACK'), discard);
      this.owner = null;
      this.midBatch = false;
    });
    await this.drain();
  }

  private next(): Pending | undefined {
    const i = this.owner === null ? 0 : this.queue.findIndex((q) => q.handlerId === this.owner);
    return i < 0 ? undefined : this.queue.splice(i, 1)[0];
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let q = this.next(); q; q = this.next()) {
        let bytes = 0;
        try {
          const { handlerId, message, onData } = q;
          await this.db.runExclusive(async () => {
            await this.db.execProtocolRawStream(message, {
              onRawData: (data) => {
                bytes += data.length;
                onData(data);
              },
            });
            this.midBatch = BATCH_CONTINUES.has(message[0]);
            this.owner = this.midBatch || this.db.isInTransaction() ? handlerId : null;
          });
        } catch (err) {
          q.reject(err as Error);
          continue;
        }
        q.resolve(bytes);
      }
    } finally {
      this.running = false;
    }
  }
}

/** Replaces the server's queue (a private field of pglite-socket 0.2.17, pinned exactly) before it accepts connections. */
export function installSessionQueryQueue(server: PGLiteSocketServer, db: PGlite): void {
  const internals = server as unknown as { queryQueue?: unknown };
  if (!internals.queryQueue) {
    throw new Error('pglite-socket changed: PGLiteSocketServer has no queryQueue to replace; check src/embedded/session-query-queue.ts');
  }
  internals.queryQueue = new SessionQueryQueue(db);
}
