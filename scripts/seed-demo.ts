import { appConfig } from '../src/config/app-config';
import { withCommands } from '../src/commands/run-command';
import { runMigrations } from '../src/database/data-source';
import { formatLogins } from '../src/commands/seeds/demo-logins.util';
import { DEMO_SOURCE_NOTE, DemoSeedService } from '../src/commands/seeds/demo-seed.service';

async function main() {
  const unknown = process.argv.slice(2).filter((a) => a !== '--' && a !== '--reset-passwords');
  if (unknown.length) throw new Error(`Unknown argument ${unknown.join(' ')}. Usage: npm run seed:demo [-- --reset-passwords]`);
  const config = appConfig();
  const resetPasswords = process.argv.includes('--reset-passwords') || config.resetDemoPasswords;
  const applied = await runMigrations(config.databaseUrl);
  if (applied.length) console.log(`Applied migrations: ${applied.join(', ')}`);
  await withCommands(async (app) => {
    const s = await app.get(DemoSeedService).seed({ resetPasswords, log: (line) => console.log(line) });
    console.log('');
    console.log('=== DEMODATEN / DEMO DATA – not for production use ===');
    console.log(`Pilotstädte neu angelegt / pilot towns created: ${s.townsCreated} (the fixture holds 28, each marked "(Demodaten)")`);
    console.log(
      `Gemeindeverzeichnis geladen / directory rows loaded from the bundled file: ${s.directoryLoaded} (0: it was there already)`,
    );
    console.log(`Demo-Logins:\n${formatLogins(s.logins)}`);
    console.log(DEMO_SOURCE_NOTE);
  });
}

main().catch((err) => {
  console.error(`Demo seed failed, nothing was changed: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
