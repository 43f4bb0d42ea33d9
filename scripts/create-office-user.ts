import { parseArgs } from 'node:util';
import { createOfficeUser } from '../src/auth/office-user';
import { toAppConfig } from '../src/config/app-config';
import { validateEnv } from '../src/config/env.validation';
import { openDataSource, runMigrations } from '../src/database/data-source';

async function main() {
  const { values } = parseArgs({ options: { email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string', default: 'office' } } });
  if (!values.email || !values.name) throw new Error('Usage: npm run create:office-user -- --email anna@example.org --name "Anna Beispiel" [--role admin]');
  if (values.role !== 'office' && values.role !== 'admin') throw new Error('--role must be office or admin');
  const config = toAppConfig(validateEnv(process.env));
  await runMigrations(config.databaseUrl);
  const ds = await openDataSource(config.databaseUrl);
  try {
    const r = await createOfficeUser(ds, { email: values.email, name: values.name, role: values.role, password: process.env.OFFICE_PASSWORD });
    console.log(`Created ${values.role} account ${values.email}.`);
    if (!process.env.OFFICE_PASSWORD) console.log(`One-time password (shown only now, hand it over securely): ${r.password}`);
  } finally {
    await ds.destroy();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
