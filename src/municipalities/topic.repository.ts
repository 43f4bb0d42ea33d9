import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { queryRows } from '../database/typed-query.util';
import { ShortLived } from './short-lived.util';

export interface TopicRow {
  slug: string;
  name: string;
}

/** The topic catalogue as its readers need it; frozen, shared by every caller. */
export interface TopicCatalogue {
  /** The active topics in their order. */
  active: readonly TopicRow[];
  /** Every topic's name by slug, retired ones included (older runs and results may name them). */
  names: Readonly<Record<string, string>>;
  /** The active topics' names by slug, in their order. */
  activeNames: Readonly<Record<string, string>>;
}

/**
 * The one place the topic table is read. It is migration data (no route writes it): every page, API call, matching
 * run and tandem mail reads the same short list, so it is read at most once per 2 s per process.
 */
@Injectable()
export class TopicRepository {
  private readonly cached = new ShortLived<TopicCatalogue>(() => this.read(this.ds));

  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /**
   * Inside a transaction pass its manager: a stale catalogue is then read through it (the embedded database has one
   * session, a read through the DataSource would wait for the transaction's end).
   */
  catalogue(m?: EntityManager): Promise<TopicCatalogue> {
    return m ? (this.cached.fresh() ?? this.read(m)) : this.cached.get();
  }

  /** The active topics in their order (slug, name); `m` as for catalogue. */
  async listActive(m?: EntityManager): Promise<readonly TopicRow[]> {
    return (await this.catalogue(m)).active;
  }

  private async read(db: DataSource | EntityManager): Promise<TopicCatalogue> {
    const rows = await queryRows<TopicRow & { active: boolean }>(db, `SELECT slug, name, active FROM topic ORDER BY sort_order, slug`);
    const active = rows.filter((r) => r.active).map((r) => Object.freeze({ slug: r.slug, name: r.name }));
    return Object.freeze({
      active: Object.freeze(active),
      names: Object.freeze(Object.fromEntries(rows.map((r) => [r.slug, r.name]))),
      activeNames: Object.freeze(Object.fromEntries(active.map((r) => [r.slug, r.name]))),
    });
  }
}
