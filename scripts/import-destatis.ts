import { existsSync } from 'node:fs';
import { toAppConfig } from '../src/config/app-config';
import { validateEnv } from '../src/config/env.validation';
import { openDataSource, runMigrations } from '../src/database/data-source';
import { importDirectory } from '../src/municipalities/directory/directory-import';
import { parseDestatis, readWorkbook } from '../src/municipalities/directory/destatis-parser.util';

async function main() {
  const file = process.argv[2];
  if (!file) throw new Error('Usage: npm run import:destatis -- <path-to-31122023_Auszug_GV.xlsx>');
  if (!existsSync(file)) throw new Error(`File not found: ${file}`);
  const started = Date.now();
  const records = parseDestatis(await readWorkbook(file));
  const small = records.filter((r) => r.population >= 5000 && r.population < 20000).length;
  console.log(`Read ${records.length} municipalities (${small} with 5,000–19,999 inhabitants) from ${file}`);
  const config = toAppConfig(validateEnv(process.env));
  await runMigrations(config.databaseUrl);
  const ds = await openDataSource(config.databaseUrl);
  try {
    const c = await importDirectory(ds, records);
    console.log(`Imported: ${c.inserted} new, ${c.updated} updated, ${c.unchanged} unchanged (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } finally {
    await ds.destroy();
  }
}

main().catch((err) => {
  console.error(`Import failed, nothing was changed: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
