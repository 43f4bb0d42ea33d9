import { Client } from 'pg';
import { TEMPLATE_DB, TEST_DB_PREFIX, TEST_PG_ADMIN_URL, dbUrl } from './test-env';

/** A fresh, migrated database for one test file, cloned from the run's template. Returns its URL. */
export async function createTestDatabase(name: string): Promise<string> {
  const database = `${TEST_DB_PREFIX}${name.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}`.slice(0, 63);
  const admin = new Client({ connectionString: TEST_PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${database}" TEMPLATE "${TEMPLATE_DB}"`);
  } finally {
    await admin.end();
  }
  return dbUrl(database);
}
