import { AsyncLocalStorage } from 'node:async_hooks';
import { existsSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { EntityManager, type QueryRunner } from 'typeorm';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';

/**
 * One rule: inside a transaction every read and write goes through that transaction's manager.
 *
 * Why it is enforced: the embedded database (PGlite) has ONE session. A read through the shared DataSource while a
 * transaction of the same process is open waits for a session that the transaction holds while it waits for the
 * read: a hang that never clears. On PostgreSQL the same read merely misses the transaction's own writes.
 *
 * `EntityManager.transaction` runs its callback with the transaction's query runner in async-local storage; any
 * query from another runner (or a queue call) in that async context fails at once, naming the caller.
 */
class OutsideTransactionError extends Error {}

interface OpenTransaction {
  runner: QueryRunner;
}

const open = new AsyncLocalStorage<OpenTransaction>();
const logger = new Logger('TransactionGuard');
let installedMode: GuardMode | null = null;

/** 'throw': fail the query (embedded mode, tests, development); 'warn': log it (servers mode in production). */
export type GuardMode = 'throw' | 'warn';

/** The first frames of our own code that led here: "TownRepository.facts ← TandemsService.recordMany". */
export function callerOf(stack: string | undefined): string {
  const frames = (stack ?? '')
    .split('\n')
    .slice(1)
    .map((l) => l.trim())
    // Our own files only: TypeORM's source maps also point at ".../src/..." paths, which do not exist here.
    .filter((l) => {
      const file = /\(([^()]+):\d+:\d+\)$/.exec(l)?.[1];
      return !!file && !/node_modules|[/\\]transaction-guard\.[jt]s$/.test(file) && existsSync(file);
    })
    .map((l) => {
      // V8 writes "at Type.fn [as method] (file)" when the name it inferred differs from the property called.
      const m = /^at (?:async )?([^\s(]+)(?: \[as ([^\]]+)\])?/.exec(l);
      if (!m) return l.replace(/^at /, '');
      return m[2] ? m[1].replace(/[^.]*$/, m[2]) : m[1];
    });
  return frames.length ? frames.slice(0, 4).join(' ← ') : 'an unknown caller';
}

function violation(what: string): OutsideTransactionError | null {
  const tx = open.getStore();
  if (!tx || tx.runner.isReleased || !tx.runner.isTransactionActive) return null;
  const caller = callerOf(new Error().stack);
  return new OutsideTransactionError(
    `${what} outside the open transaction, from ${caller}: inside a transaction use only its manager ` +
      `(the embedded database has one session; this read would wait forever)`,
  );
}

/** For code that reaches the database other than through TypeORM (queues): refuses inside an open transaction. */
function assertNoOpenTransaction(what: string): void {
  const err = violation(what);
  if (!err) return;
  if (installedMode === 'throw') throw err;
  logger.warn(err.message);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- prototypes of three libraries, wrapped unchanged
type Methods = Record<string, (this: any, ...args: unknown[]) => Promise<unknown>>;

/** Idempotent; the mode of the first call stays (one process, one mode). */
export function installTransactionGuard(mode: GuardMode): void {
  if (installedMode) return;
  installedMode = mode;

  const managerProto = EntityManager.prototype as unknown as Methods;
  const transaction = managerProto.transaction;
  managerProto.transaction = function guardedTransaction(this: EntityManager, ...args: unknown[]) {
    const i = typeof args[0] === 'function' ? 0 : 1;
    const work = args[i] as (m: EntityManager) => Promise<unknown>;
    args[i] = (m: EntityManager) => open.run({ runner: m.queryRunner! }, () => work(m));
    return transaction.apply(this, args);
  };

  const runnerProto = PostgresQueryRunner.prototype as unknown as Methods;
  const query = runnerProto.query;
  runnerProto.query = function guardedQuery(this: PostgresQueryRunner, ...args: unknown[]) {
    const tx = open.getStore();
    if (tx && tx.runner !== this) {
      const err = violation(`Query "${String(args[0]).replace(/\s+/g, ' ').slice(0, 80)}"`);
      if (err) {
        if (mode === 'throw') return Promise.reject(err);
        logger.warn(err.message);
      }
    }
    return query.apply(this, args);
  };

  // Embedded, BullMQ keeps its queue in the same PGlite session; a job added before COMMIT can also run before it.
  const queueProto = Queue.prototype as unknown as Methods;
  for (const name of ['add', 'addBulk']) {
    const original = queueProto[name];
    queueProto[name] = function guardedEnqueue(this: Queue, ...args: unknown[]) {
      try {
        assertNoOpenTransaction(`Queue.${name} on ${this.name}`);
      } catch (err) {
        return Promise.reject(err as Error);
      }
      return original.apply(this, args);
    };
  }
}
