import { Client } from 'pg';
import { removeEmbeddedFolders } from './embedded-db';
import { TEST_DB_PREFIX, TEST_PG_ADMIN_URL } from './test-env';

/** Drops this run's databases (template and per-file clones); other runs' stay. */
export default async function globalTeardown(): Promise<void> {
  const admin = new Client({ connectionString: TEST_PG_ADMIN_URL });
  await admin.connect();
  try {
    const dbs = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE starts_with(datname, $1)`, [TEST_DB_PREFIX]);
    for (const { datname } of dbs.rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
  removeEmbeddedFolders();
}
