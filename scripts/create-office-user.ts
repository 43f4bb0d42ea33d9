import { parseArgs } from 'node:util';
import { OfficeUsersService } from '../src/accounts/office-users.service';
import { withCommands } from '../src/commands/run-command';
import { appConfig } from '../src/config/app-config';
import { runMigrations } from '../src/database/data-source';

const USAGE = 'Usage: npm run create:office-user -- --email anna@akademie.de --name "Anna Beispiel" [--role admin]';

async function main() {
  let values: { email?: string; name?: string; role?: string };
  try {
    ({ values } = parseArgs({
      options: { email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string', default: 'office' } },
    }));
  } catch (err) {
    throw new Error(`${(err as Error).message}. ${USAGE}`, { cause: err });
  }
  const { email, name, role } = values;
  if (!email || !name) throw new Error(`--email and --name are required. ${USAGE}`);
  if (role !== 'office' && role !== 'admin') throw new Error(`--role must be office or admin, not '${role}'`);
  const config = appConfig();
  const fromEnv = config.officePassword;
  await runMigrations(config.databaseUrl);
  await withCommands(async (app) => {
    // Validates the email, the name and OFFICE_PASSWORD (≥ 12 characters), refuses an existing email, writes the audit row.
    const r = await app.get(OfficeUsersService).create({ email, name, role, password: fromEnv });
    console.log(`Created ${role === 'admin' ? 'admin' : 'Geschäftsstelle'} account ${email.trim()} (email confirmed).`);
    if (fromEnv) console.log('Password: taken from OFFICE_PASSWORD.');
    else console.log(`One-time password (shown only now, hand it over securely): ${r.password}`);
  });
}

main().catch((err) => {
  console.error(`Could not create the account: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
