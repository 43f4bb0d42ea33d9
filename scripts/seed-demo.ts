import { toAppConfig } from '../src/config/app-config';
import { validateEnv } from '../src/config/env.validation';
import { openDataSource, runMigrations } from '../src/database/data-source';
import { formatLogins, seedDemo } from '../src/database/seeds/demo-seed';

async function main() {
  const config = toAppConfig(validateEnv(process.env));
  await runMigrations(config.databaseUrl);
  const ds = await openDataSource(config.databaseUrl);
  try {
    const s = await seedDemo(ds, { resetPasswords: process.argv.includes('--reset-passwords') || process.env.RESET_DEMO_PASSWORDS === 'true' });
    console.log(`DEMO DATA: ${s.townsCreated} pilot towns created, ${s.municipalitiesAdded} directory rows added from the fixture.`);
    console.log(`Demo-Logins (nur Demodaten):\n${formatLogins(s.logins)}`);
  } finally {
    await ds.destroy();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
