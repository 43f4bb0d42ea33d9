import { DataSource, DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from './migrations';
import { PreparingClient } from './prepared-statements';
import { SnakeNamingStrategy } from './snake-naming.strategy';

/**
 * `poolSize`: connections of this process's pool (DATABASE_POOL_SIZE for web and worker; scripts keep the default).
 * `prepared`: parameterised queries as named prepared statements (web and worker in servers mode).
 */
export function dataSourceOptions(databaseUrl: string, poolSize = 10, prepared = false): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    synchronize: false,
    migrationsRun: false,
    migrations: MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    namingStrategy: new SnakeNamingStrategy(),
    extra: prepared ? { max: poolSize, Client: PreparingClient } : { max: poolSize },
  };
}

/** A connection for scripts (migrate, import, seed); entities are not needed there, SQL is explicit. */
export async function openDataSource(databaseUrl: string): Promise<DataSource> {
  const ds = new DataSource(dataSourceOptions(databaseUrl));
  return ds.initialize();
}

export async function runMigrations(databaseUrl: string): Promise<string[]> {
  const ds = await openDataSource(databaseUrl);
  try {
    const done = await ds.runMigrations({ transaction: 'each' });
    return done.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}
