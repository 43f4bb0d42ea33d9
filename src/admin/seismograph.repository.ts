import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { SeismoCount } from './seismograph.util';

export interface SeismoFilter {
  stateCode: string | null;
  /** A key of the office's SIZE_CLASSES; towns by their population between the two bounds below. */
  sizeClass: string | null;
  /** Inhabitants from (inclusive) and below (exclusive), from the office's size classes. */
  minPopulation: number | null;
  maxPopulation: number | null;
}

const QUARTER = (col: string) =>
  `to_char(${col} AT TIME ZONE 'Europe/Berlin', 'YYYY') || '-Q' || to_char(${col} AT TIME ZONE 'Europe/Berlin', 'Q')`;

/**
 * The Seismograph's counts (issue 27), read from the profiles (verified towns) and the Methodenkoffer's published
 * versions (current ones of verified towns). A town counts once per topic, in the quarter it first named it.
 */
@Injectable()
export class SeismographRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  topics(): Promise<{ slug: string; name: string }[]> {
    return this.ds.query(`SELECT slug, name FROM topic ORDER BY sort_order, name`);
  }

  async counts(f: SeismoFilter): Promise<SeismoCount[]> {
    const params = [f.stateCode, f.minPopulation, f.maxPopulation, f.sizeClass];
    const townWhere = `t.status = 'verified' AND ($1::text IS NULL OR m.state_code = $1)
      AND ($2::int IS NULL OR m.population >= $2) AND ($3::int IS NULL OR m.population < $3)`;
    const fromProfile = (table: string, kind: string) =>
      `SELECT topic, ${QUARTER('since')} AS quarter, '${kind}' AS kind, count(*)::int AS n FROM (
         SELECT x.topic_slug AS topic, min(x.created_at) AS since FROM ${table} x
         JOIN town t ON t.id = x.town_id JOIN municipality m ON m.ags = t.ags
         WHERE ${townWhere} GROUP BY x.town_id, x.topic_slug) y GROUP BY 1, 2`;
    // An example by its town's facts at its publication (the version's Land and size class).
    return this.ds.query(
      `${fromProfile('town_challenge', 'challenge')}
       UNION ALL ${fromProfile('town_topic', 'interest')}
       UNION ALL
       SELECT topic, ${QUARTER('first')} AS quarter, 'example' AS kind, count(*)::int AS n FROM (
         SELECT unnest(v.topics) AS topic, (SELECT min(o.published_at) FROM practice_version o WHERE o.practice_id = v.practice_id) AS first
         FROM practice_version v JOIN town t ON t.id = v.town_id AND t.status = 'verified'
         WHERE v.is_current AND ($1::text IS NULL OR v.state_code = $1)
           AND ($4::text IS NULL OR v.size_class = $4)) e
       GROUP BY 1, 2`,
      params,
    );
  }
}
