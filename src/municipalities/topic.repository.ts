import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { queryRows } from '../database/typed-query.util';
import { ShortLived } from './short-lived.util';

export interface TopicRow {
  slug: string;
  name: string;
}

@Injectable()
export class TopicRepository {
  // The topic catalogue is migration data (no route writes it): every profile page and API call reads the same short
  // list, so it is read once per 2 s per process instead of per request. Frozen: callers share it.
  private readonly active = new ShortLived<readonly TopicRow[]>(async () => {
    const rows = await queryRows<TopicRow>(this.ds, `SELECT slug, name FROM topic WHERE active ORDER BY sort_order`);
    return Object.freeze(rows.map((r) => Object.freeze(r)));
  });

  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** The active topics in their order (slug, name). */
  listActive(): Promise<readonly TopicRow[]> {
    return this.active.get();
  }
}
