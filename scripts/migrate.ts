import { appConfig } from '../src/config/app-config';
import { withCommands } from '../src/commands/run-command';
import { runMigrations } from '../src/database/data-source';
import { describeBundledLoad } from '../src/municipalities/directory/bundled-directory.util';
import { DirectoryImportService } from '../src/municipalities/directory/directory-import.service';

// Also the docker compose path's one-shot before web and worker: so it loads the bundled directory on a first start too.
async function main() {
  const config = appConfig();
  const applied = await runMigrations(config.databaseUrl);
  console.log(applied.length ? `Applied migrations: ${applied.join(', ')}` : 'Database schema is up to date.');
  const loaded = await withCommands((app) => app.get(DirectoryImportService).loadBundledIfMissing());
  if (loaded) console.log(describeBundledLoad(loaded));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
