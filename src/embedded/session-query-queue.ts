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
 *
 * Nothing waits for the session longer than `waitLimitMs`: a statement that has not started by then is answered
 * with an error (SQLSTATE 55P03, "busy") as PostgreSQL answers a lock timeout — it never runs, so it changes
 * nothing, and the connection stays usable. The app turns that into a 503; the launcher logs the wait.
 */
const BATCH_CONTINUES = new Set(['P', 'B', 'D', 'E', 'C', 'H'].map((c) => c.charCodeAt(0)));
const SYNC = new Uint8Array([0x53, 0, 0, 0, 4]);
const QUERY = 'Q'.charCodeAt(0);
const SYNC_TYPE = 'S'.charCodeAt(0);
export const BUSY_SQLSTATE = '55P03';

function message(type: string, body: Buffer): Uint8Array {
  const msg = Buffer.alloc(5 + body.length);
  msg.write(type, 0, 'latin1');
  msg.writeInt32BE(4 + body.length, 1);
  body.copy(msg, 5);
  return new Uint8Array(msg);
}

/** ErrorResponse: severity, code and message fields, then the terminator. */
function errorResponse(code: string, text: string): Uint8Array {
  const field = (t: string, v: string) => Buffer.concat([Buffer.from(t, 'latin1'), Buffer.from(`${v}\0`, 'utf8')]);
  return message('E', Buffer.concat([field('S', 'ERROR'), field('V', 'ERROR'), field('C', code), field('M', text), Buffer.from([0])]));
}
/** ReadyForQuery, idle: a refused connection never holds a transaction (it would own the session). */
const READY_IDLE = message('Z', Buffer.from('I', 'latin1'));

export interface RefusedWait {
  handlerId: number;
  waitedMs: number;
  /** The connection that held the session, and for how long (null: the session was busy with a queue of short statements). */
  holder: { handlerId: number; heldMs: number } | null;
}

function simpleQuery(sql: string): Uint8Array {
  return message('Q', Buffer.from(`${sql}\0`, 'utf8'));
}

interface Pending {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (err: Error) => void;
  enqueuedAt: number;
}

export class SessionQueryQueue {
  private queue: Pending[] = [];
  /** The connection that holds the session (mid-batch or in a transaction block); null when it is free. */
  private owner: number | null = null;
  private ownerSince = 0;
  private midBatch = false;
  private running = false;
  /** Connections whose batch was refused: their remaining messages are discarded up to Sync, as PostgreSQL does. */
  private readonly discarding = new Set<number>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly db: PGlite,
    private readonly waitLimitMs = 5000,
    private readonly onRefused: (r: RefusedWait) => void = () => undefined,
  ) {
    this.timer = setInterval(() => this.refuseOverdue(), Math.min(250, waitLimitMs / 4));
    this.timer.unref();
  }

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    if (this.discarding.has(handlerId)) {
      if (message[0] !== SYNC_TYPE) return Promise.resolve(0);
      this.discarding.delete(handlerId);
      onData(READY_IDLE);
      return Promise.resolve(READY_IDLE.length);
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject, enqueuedAt: Date.now() });
      void this.drain();
    });
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Answers statements that waited too long for the session with "busy" instead of running them. */
  private refuseOverdue(): void {
    const now = Date.now();
    this.queue = this.queue.filter((q) => {
      const type = q.message[0];
      const startsStatement = type === QUERY || BATCH_CONTINUES.has(type);
      if (q.handlerId === this.owner || !startsStatement || now - q.enqueuedAt < this.waitLimitMs) return true;
      const waitedMs = now - q.enqueuedAt;
      const err = errorResponse(BUSY_SQLSTATE, `embedded database busy: waited ${(waitedMs / 1000).toFixed(1)} s for the session`);
      q.onData(type === QUERY ? Buffer.concat([err, READY_IDLE]) : err);
      if (type !== QUERY) this.discarding.add(q.handlerId);
      q.resolve(err.length);
      this.onRefused({
        handlerId: q.handlerId,
        waitedMs,
        holder: this.owner === null ? null : { handlerId: this.owner, heldMs: now - this.ownerSince },
      });
      return false;
    });
  }

  getQueueLength(): number {
    return this.queue.length;
  }

  clearQueueForHandler(handlerId: number): void {
    this.discarding.delete(handlerId);
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
            const owner = this.midBatch || this.db.isInTransaction() ? handlerId : null;
            if (owner !== null && owner !== this.owner) this.ownerSince = Date.now();
            this.owner = owner;
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
export function installSessionQueryQueue(
  server: PGLiteSocketServer,
  db: PGlite,
  opts: { waitLimitMs?: number; onRefused?: (r: RefusedWait) => void } = {},
): SessionQueryQueue {
  const internals = server as unknown as { queryQueue?: unknown };
  if (!internals.queryQueue) {
    throw new Error('pglite-socket changed: PGLiteSocketServer has no queryQueue to replace; check src/embedded/session-query-queue.ts');
  }
  const queue = new SessionQueryQueue(db, opts.waitLimitMs, opts.onRefused);
  internals.queryQueue = queue;
  return queue;
}
