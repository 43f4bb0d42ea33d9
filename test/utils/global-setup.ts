import { Client } from 'pg';
import { runMigrations } from '../../src/database/data-source';
import { TEMPLATE_DB, TEST_PG_ADMIN_URL, dbUrl } from './test-env';

// Migrate one template database per run; each test file clones it (CREATE DATABASE … TEMPLATE), so files are isolated.
export default async function globalSetup(): Promise<void> {
  const admin = new Client({ connectionString: TEST_PG_ADMIN_URL });
  await admin.connect();
  try {
    const dbs = await admin.query(`SELECT datname FROM pg_database WHERE datname LIKE 'kt_test_%'`);
    for (const { datname } of dbs.rows) {
      await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
    await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  } finally {
    await admin.end();
  }
  await runMigrations(dbUrl(TEMPLATE_DB));
}
