import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// Embedded mode puts BullMQ's PostgreSQL schema on the search path after public (src/embedded/embedded-postgres.ts):
// a table of ours with the name of one of BullMQ's would shadow it, and BullMQ's own SQL would read ours.
const ROOT = join(__dirname, '../../..');
const created = (sql: string) => [...sql.matchAll(/CREATE TABLE (?:IF NOT EXISTS )?"?(\w+)"?/gi)].map((m) => m[1].toLowerCase());

describe('table names', () => {
  const ours = readdirSync(join(ROOT, 'migrations')).flatMap((f) => created(readFileSync(join(ROOT, 'migrations', f), 'utf8')));
  // BullMQ ships its schema as SQL text inside this file (the embedded backend runs it as its migrations).
  const bullmq = created(readFileSync(join(ROOT, 'node_modules/bullmq/dist/cjs/postgres/sql-scripts.js'), 'utf8'));

  it('the check reads both sides (ours and BullMQ embedded schema)', () => {
    expect(ours).toEqual(expect.arrayContaining(['town', 'tandem', 'network_event']));
    expect(bullmq).toEqual(expect.arrayContaining(['job', 'event', 'scheduler']));
  });

  it('no table of ours has the name of a BullMQ table', () => {
    expect(ours.filter((t) => bullmq.includes(t))).toEqual([]);
  });
});
