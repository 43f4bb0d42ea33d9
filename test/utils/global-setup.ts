import { Client } from 'pg';
import { runMigrations } from '../../src/database/data-source';
import { prepareEmbeddedTemplate, removeEmbeddedFolders } from './embedded-db';
import { TEMPLATE_DB, TEST_PG_ADMIN_URL, dbUrl } from './test-env';

const STALE_AFTER_MS = 6 * 3600_000;

/** Start time of the run that created a test database (`kt_test_<base36 ms><pid>_…`), or undefined for other names. */
function runStartedAt(datname: string): number | undefined {
  const m = /^kt_test_([0-9a-z]{8})/.exec(datname);
  return m ? parseInt(m[1], 36) : undefined;
}

// Migrate one template database per run; each test file clones it (CREATE DATABASE … TEMPLATE), so files are isolated.
// Databases of other runs are left alone unless they are hours old (a crashed run's leftovers).
export default async function globalSetup(): Promise<void> {
  const admin = new Client({ connectionString: TEST_PG_ADMIN_URL });
  await admin.connect();
  try {
    const dbs = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'kt_test_%'`);
    for (const { datname } of dbs.rows) {
      const started = runStartedAt(datname);
      if (started === undefined || Date.now() - started > STALE_AFTER_MS) {
        await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
      }
    }
    await admin.query(`CREATE DATABASE "${TEMPLATE_DB}"`);
  } finally {
    await admin.end();
  }
  await runMigrations(dbUrl(TEMPLATE_DB));
  // The same for the embedded default: one migrated PGlite folder that each embedded test file copies.
  removeEmbeddedFolders(STALE_AFTER_MS);
  await prepareEmbeddedTemplate();
}
