import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { compareGerman } from '../common/collation.util';
import { queryRows } from '../database/typed-query.util';

export interface RateLimitHit {
  key: string;
  hits: number;
  secondsLeft: number;
}

/** Fixed-window counters in PostgreSQL, shared by all web processes in both runtime modes. */
@Injectable()
export class RateLimitRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** Counts one hit on each key (window in seconds per key) and returns the counts of the current windows. */
  async hit(keys: Array<{ key: string; windowSeconds: number }>): Promise<RateLimitHit[]> {
    // A fixed key order: two requests upserting the same keys never wait on each other crosswise.
    const sorted = [...keys].sort((a, b) => compareGerman(a.key, b.key));
    const rows = await queryRows<{ key: string; hits: number; seconds_left: number }>(
      this.ds,
      `INSERT INTO rate_limit_counter AS c (key, hits, window_ends_at)
       SELECT k, 1, now() + make_interval(secs => s) FROM unnest($1::text[], $2::int[]) AS t(k, s)
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN c.window_ends_at <= now() THEN 1 ELSE c.hits + 1 END,
         window_ends_at = CASE WHEN c.window_ends_at <= now() THEN EXCLUDED.window_ends_at ELSE c.window_ends_at END
       RETURNING key, hits, extract(epoch FROM window_ends_at - now())::float AS seconds_left`,
      [sorted.map((k) => k.key), sorted.map((k) => k.windowSeconds)],
    );
    // Now and then, drop windows that ended long ago (no timed job needed for a table this small).
    if (Math.random() < 0.02) await this.ds.query(`DELETE FROM rate_limit_counter WHERE window_ends_at < now() - interval '1 hour'`);
    return rows.map((r) => ({ key: r.key, hits: r.hits, secondsLeft: Math.max(1, Math.ceil(r.seconds_left)) }));
  }
}
