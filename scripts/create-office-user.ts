import { parseArgs } from 'node:util';
import { createOfficeUser } from '../src/auth/office-user';
import { toAppConfig } from '../src/config/app-config';
import { validateEnv } from '../src/config/env.validation';
import { openDataSource, runMigrations } from '../src/database/data-source';

const USAGE = 'Usage: npm run create:office-user -- --email anna@akademie.de --name "Anna Beispiel" [--role admin]';

async function main() {
  let values: { email?: string; name?: string; role?: string };
  try {
    ({ values } = parseArgs({ options: { email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string', default: 'office' } } }));
  } catch (err) {
    throw new Error(`${(err as Error).message}. ${USAGE}`, { cause: err });
  }
  if (!values.email || !values.name) throw new Error(`--email and --name are required. ${USAGE}`);
  if (values.role !== 'office' && values.role !== 'admin') throw new Error(`--role must be office or admin, not '${values.role}'`);
  const fromEnv = process.env.OFFICE_PASSWORD;
  const config = toAppConfig(validateEnv(process.env));
  await runMigrations(config.databaseUrl);
  const ds = await openDataSource(config.databaseUrl);
  try {
    // Validates the email, the name and OFFICE_PASSWORD (≥ 12 characters), refuses an existing email, writes the audit row.
    const r = await createOfficeUser(ds, { email: values.email, name: values.name, role: values.role, password: fromEnv });
    console.log(`Created ${values.role === 'admin' ? 'admin' : 'Geschäftsstelle'} account ${values.email.trim()} (email confirmed).`);
    if (fromEnv) console.log('Password: taken from OFFICE_PASSWORD.');
    else console.log(`One-time password (shown only now, hand it over securely): ${r.password}`);
  } finally {
    await ds.destroy();
  }
}

main().catch((err) => {
  console.error(`Could not create the account: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
