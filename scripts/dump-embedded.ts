import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import { Client } from 'pg';
import { DEFAULT_JOB_OPTIONS } from '../src/queue/queue-names';
import { lockDataDir, runningInstance } from '../src/embedded/data-dir-lock';
import { startEmbeddedPostgres } from '../src/embedded/embedded-postgres';
import { writeSqlDump } from '../src/embedded/sql-dump';

/**
 * `npm run db:dump -- out.sql`: a plain-SQL PostgreSQL dump of the embedded database, for a move to servers mode or
 * as a backup. While the service runs it reads through the loopback socket the service serves (one consistent
 * snapshot; the service waits for the few seconds it takes); when it is stopped, it opens the data folder itself.
 *
 * BullMQ's queue tables (schema bullmq) are left out on purpose: jobs carry only ids, the state is in the
 * application tables. The epilogue hands pending work back to the sweepers of the servers mode.
 */
const HANDOVER = [
  '-- Queue state (schema bullmq) is not part of this dump. Deliveries that waited for a job (queued, being sent, or',
  '-- failed with retries left) are queued again; the mail sweeper of the servers mode sends them.',
  `UPDATE public.mail_delivery SET status = 'queued', claimed_at = NULL WHERE status = 'sending' OR (status = 'failed' AND attempts < ${DEFAULT_JOB_OPTIONS.attempts});`,
  '-- A matching run that was in progress lost its job: marked failed, so the next run is not blocked.',
  `UPDATE public.matching_run SET status = 'failed', error = 'abandoned (moved without queue state)', finished_at = now() WHERE status = 'running';`,
];

async function main() {
  const target = process.argv[2];
  if (!target || target.startsWith('-'))
    throw new Error('Usage: npm run db:dump -- <file.sql>   (DATA_DIR selects the data folder, default ./data)');
  if (process.env.DATABASE_URL)
    throw new Error('DATABASE_URL is set: this command dumps the embedded database. For a PostgreSQL server use its pg_dump.');
  const dataDir = resolve(process.env.DATA_DIR ?? './data');
  const out = resolve(target);
  const partial = `${out}.partial`;

  const running = runningInstance(dataDir);
  let url = running?.databaseUrl;
  let stopOwn: (() => Promise<void>) | undefined;
  if (!running) {
    const unlock = lockDataDir(dataDir);
    try {
      const own = await startEmbeddedPostgres(dataDir);
      url = own.url;
      stopOwn = async () => {
        await own.stop();
        unlock();
      };
    } catch (err) {
      unlock();
      throw new Error(`The embedded database in ${join(dataDir, 'pglite')} did not open: ${(err as Error).message}`, { cause: err });
    }
  }

  const client = new Client({ connectionString: url });
  const file = createWriteStream(partial, { mode: 0o600 });
  try {
    await client.connect();
    const write = async (chunk: string) => {
      if (!file.write(chunk)) await once(file, 'drain');
    };
    const result = await writeSqlDump(client, write, {
      excludeSchemas: ['bullmq'],
      header: [
        'Kleinstadt-Tandem: dump of the embedded database (PGlite) for a PostgreSQL server.',
        `Written ${new Date().toISOString()} from ${dataDir}${running ? ` while the service ran (PID ${running.pid})` : ''}.`,
      ],
      epilogue: HANDOVER,
    });
    file.end();
    await once(file, 'finish');
    renameSync(partial, out); // a reader never sees half a dump
    console.log(
      `Wrote ${out}: ${result.tables} tables, ${result.rows} rows (PostgreSQL ${result.serverVersion}${running ? ', read from the running service' : ''}).`,
    );
    console.log('Restore into an empty database:  psql -v ON_ERROR_STOP=1 -f <file> postgres://user@host:5432/database');
  } catch (err) {
    file.destroy();
    rmSync(partial, { force: true });
    throw err;
  } finally {
    await client.end().catch(() => undefined);
    await stopOwn?.();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
