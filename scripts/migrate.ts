import { appConfig } from '../src/config/app-config';
import { runMigrations } from '../src/database/data-source';

async function main() {
  const config = appConfig();
  const applied = await runMigrations(config.databaseUrl);
  console.log(applied.length ? `Applied migrations: ${applied.join(', ')}` : 'Database schema is up to date.');
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
