import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { appConfig } from '../src/config/app-config';
import { withCommands } from '../src/commands/run-command';
import { runMigrations } from '../src/database/data-source';
import { DirectoryImportService } from '../src/municipalities/directory/directory-import.service';
import { parseDestatis, readWorkbook } from '../src/municipalities/directory/destatis-parser.util';

const USAGE = 'Usage: npm run import:destatis -- <path-to-31122023_Auszug_GV.xlsx>';

async function main() {
  const args = process.argv.slice(2).filter((a) => a !== '--');
  if (args.length !== 1) throw new Error(`${args.length ? 'Expected exactly one file.' : 'No file given.'} ${USAGE}`);
  const file = args[0];
  const info = await stat(file).catch(() => null);
  if (!info) throw new Error(`File not found: ${file}`);
  if (!info.isFile()) throw new Error(`Not a file: ${file}`);
  await access(file, constants.R_OK).catch(() => {
    throw new Error(`File is not readable (check permissions): ${file}`);
  });

  const started = Date.now();
  // Parse fully before touching the database: a broken file changes nothing.
  const records = parseDestatis(await readWorkbook(file));
  const small = records.filter((r) => r.population >= 5000 && r.population < 20000).length;
  const parsedIn = (Date.now() - started) / 1000;
  console.log(`Read ${records.length} municipalities from ${file} in ${parsedIn.toFixed(1)} s`);
  console.log(`  of which ${small} small towns with 5,000–19,999 inhabitants`);

  const config = appConfig();
  await runMigrations(config.databaseUrl);
  await withCommands(async (app) => {
    const c = await app.get(DirectoryImportService).import(records);
    console.log(`Imported: ${c.inserted} inserted, ${c.updated} updated, ${c.unchanged} unchanged`);
    console.log(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    console.log('Quelle: Statistisches Bundesamt (Destatis), Gemeindeverzeichnis-Informationssystem GV-ISys');
  });
}

main().catch((err) => {
  console.error(`Import failed, nothing was changed: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
