import { createHash } from 'node:crypto';
import { Client, type ClientConfig } from 'pg';

/**
 * pg clients that run every parameterised query as a named prepared statement (issue 29).
 *
 * TypeORM sends raw SQL as unnamed statements, so PostgreSQL parses and plans each one again on every request; for the
 * request paths' joins that was two thirds of the database's CPU (the suggestions API's town read: 0.73 → 0.26 ms per
 * query named). node-postgres prepares a named statement once per connection and then only binds and executes it.
 *
 * Only statements sent with a parameter list are named (queryRows and queryChanged always send one, even empty; the
 * migrations, transaction commands and multi-statement scripts send none and keep the simple protocol), only through
 * the promise form TypeORM uses, and at most MAX_PER_CONNECTION distinct texts per connection, so SQL
 * built with a varying number of placeholders cannot grow a connection's statements without end. Off in embedded mode
 * (PGlite has one session that all pool clients share, where two clients preparing the same name would collide) and
 * behind a transaction-mode PgBouncer (DATABASE_PREPARED_STATEMENTS=false).
 */
export const MAX_PER_CONNECTION = 400;

/** Statement names by SQL text: a hash, so one text has one name in every process and no two texts share one. */
const names = new Map<string, string>();

function statementName(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `kt_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    if (names.size < 20 * MAX_PER_CONNECTION) names.set(text, name);
  }
  return name;
}

export class PreparingClient extends Client {
  private readonly prepared = new Set<string>();

  constructor(config?: ClientConfig) {
    super(config);
    const plain = this.query.bind(this) as (...args: unknown[]) => unknown;
    const named = (text: string, values: unknown[]) => {
      const name = statementName(text);
      if (!this.prepared.has(name)) {
        if (this.prepared.size >= MAX_PER_CONNECTION) return plain(text, values);
        this.prepared.add(name);
      }
      return plain({ name, text, values });
    };
    // Replaces the method on this instance only: the callback form, query objects and unparameterised SQL stay as pg has them.
    this.query = ((...args: unknown[]) => {
      const [text, values, callback] = args;
      if (typeof text === 'string' && Array.isArray(values) && callback === undefined) return named(text, values);
      return plain(...args);
    }) as Client['query'];
  }
}
