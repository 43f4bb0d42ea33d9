import { writeFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { readWorkbook } from '../src/municipalities/directory/destatis-parser.util';
import { BUNDLED_DIRECTORY_FILE, buildDirectoryFile, parseDirectoryFile } from '../src/municipalities/directory/bundled-directory.util';

const USAGE = 'Usage: npm run directory:build -- <path-to-31122023_Auszug_GV.xlsx> [--out <file>]';

// Regenerates the bundled directory from an official Destatis GV-ISys extract (the xlsx itself is never committed).
async function main() {
  const args = process.argv.slice(2).filter((a) => a !== '--');
  const outAt = args.indexOf('--out');
  const out = outAt >= 0 ? args.splice(outAt, 2)[1] : BUNDLED_DIRECTORY_FILE;
  if (args.length !== 1 || !out) throw new Error(USAGE);
  const text = buildDirectoryFile(await readWorkbook(args[0]));
  const { stand, records } = parseDirectoryFile(text); // what the start will read, checked before it is written
  await writeFile(out, text, 'utf8');
  console.log(`Wrote ${records.length} municipalities (Stand ${stand}) to ${relative(process.cwd(), out) || out}.`);
}

main().catch((err) => {
  console.error(`Building the directory file failed: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
