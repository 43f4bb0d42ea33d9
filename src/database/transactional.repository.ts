import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/**
 * What every repository that opens its own transactions has: the data source and `transaction`, whose manager the
 * callers hand back to the repository's writes (inside a transaction, only its manager).
 */
export abstract class TransactionalRepository {
  constructor(@InjectDataSource() protected readonly ds: DataSource) {}

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.ds.transaction(work);
  }
}
