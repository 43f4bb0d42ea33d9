import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '../../..');

/**
 * Issue 24: every view of another town goes through the visibility layer. The profile tables (and the town's free
 * text) are named only by these files, each for the reason given; a new read elsewhere fails here.
 */
const ALLOWED: Record<string, string> = {
  'src/municipalities/visibility/town-view.repository.ts': 'the visibility layer itself',
  'src/municipalities/town.repository.ts': "the owner: writes a town's profile and reads it for its own edit form",
  'src/municipalities/town-read.repository.ts':
    "the matcher's input, with each town's visibility (runs score what towns read from the network view)",
  'src/municipalities/town.entity.ts': 'schema',
  'src/municipalities/town-challenge.entity.ts': 'schema',
  'src/municipalities/town-experience.entity.ts': 'schema',
  'src/admin/office.repository.ts': "the office's pages only (every route under @Roles('office')), which see every field",
  'src/admin/seismograph.repository.ts': "the office's Seismograph (office routes only): counts per topic and quarter, no text",
  'src/accounts/personal-data.repository.ts': "a town contact's own data export (their own town: every field)",
};
const PROFILE_READ = /\b(town_topic|town_challenge|town_experience)\b|\bt\.description\b/;
const ENTITY_IMPORT = /from '[./]*(?:municipalities\/)?town(?:-challenge|-experience)?\.entity'/;

function* sourceFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* sourceFiles(p);
    else if (p.endsWith('.ts')) yield p;
  }
}

describe('profile tables are read only inside the visibility layer (issue 24)', () => {
  const files = [...sourceFiles(join(ROOT, 'src'))].map((p) => ({ path: relative(ROOT, p), text: readFileSync(p, 'utf8') }));

  it('no other file names a profile table or the free text', () => {
    const offenders = files.filter((f) => !(f.path in ALLOWED) && PROFILE_READ.test(f.text)).map((f) => f.path);
    expect(offenders).toEqual([]);
  });

  it('no file outside the municipalities module imports the town entities (relations would bypass the layer)', () => {
    const offenders = files
      .filter((f) => !f.path.startsWith('src/municipalities/') && !f.path.startsWith('src/database/') && ENTITY_IMPORT.test(f.text))
      .map((f) => f.path);
    expect(offenders).toEqual([]);
  });

  it('the check sees what it guards: the layer names the tables, and every allowed file exists', () => {
    expect(PROFILE_READ.test(files.find((f) => f.path === 'src/municipalities/visibility/town-view.repository.ts')!.text)).toBe(true);
    for (const path of Object.keys(ALLOWED)) expect(files.some((f) => f.path === path)).toBe(true);
  });
});
