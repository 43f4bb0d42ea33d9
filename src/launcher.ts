import 'reflect-metadata';
import { ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { chooseRuntimeMode, shouldSeedDemo } from './config/runtime-mode';
import { openDataSource, runMigrations } from './database/data-source';
import { formatLogins, seedDemo } from './database/seeds/demo-seed';
import { lockDataDir } from './embedded/data-dir-lock';
import { EmbeddedPostgres, startEmbeddedPostgres } from './embedded/embedded-postgres';

// The start command: chooses the mode once, migrates, seeds the demo data (embedded default, or SEED_DEMO=true),
// then runs web + worker as children.
async function main() {
  const startedAt = Date.now();
  const mode = chooseRuntimeMode(process.env);
  const env: NodeJS.ProcessEnv = { ...process.env, KT_MODE: mode };
  let embedded: EmbeddedPostgres | undefined;
  let unlock: (() => void) | undefined;

  if (mode === 'embedded') {
    const dataDir = resolve(process.env.DATA_DIR ?? './data');
    unlock = lockDataDir(dataDir);
    try {
      embedded = await startEmbeddedPostgres(dataDir, process.env.EMBEDDED_PG_PORT ? Number(process.env.EMBEDDED_PG_PORT) : undefined);
    } catch (err) {
      unlock();
      throw new Error(`The embedded PostgreSQL in ${join(dataDir, 'pglite')} did not start: ${(err as Error).message}`, { cause: err });
    }
    env.DATABASE_URL = embedded.url;
    delete env.REDIS_URL;
    console.log(`Embedded mode: PGlite in ${join(dataDir, 'pglite')}, BullMQ on PostgreSQL, email to the local outbox.`);
  }

  const children: ChildProcess[] = [];
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    await Promise.all(children.filter((c) => c.exitCode === null).map((c) => new Promise((r) => { c.once('exit', r); setTimeout(r, 8000); })));
    await embedded?.stop();
    unlock?.();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  let demoLogins = '';
  try {
    const applied = await runMigrations(env.DATABASE_URL!);
    if (applied.length) console.log(`Applied migrations: ${applied.join(', ')}`);
    if (shouldSeedDemo(mode, process.env.SEED_DEMO)) {
      const ds = await openDataSource(env.DATABASE_URL!);
      try {
        const s = await seedDemo(ds, { resetPasswords: process.env.RESET_DEMO_PASSWORDS === 'true' });
        if (s.townsCreated) console.log(`DEMO DATA: ${s.townsCreated} pilot towns seeded (clearly marked as demo data).`);
        demoLogins = `Demo-Logins:\n${formatLogins(s.logins)}`;
        console.log(demoLogins);
      } finally {
        await ds.destroy();
      }
    }
  } catch (err) {
    console.error(`Start-up failed: ${(err as Error).message}`);
    await stop(1);
    return;
  }

  for (const entry of ['main.js', 'worker.js']) {
    // An IPC channel plus launcher-child.js: the children stop when the launcher is gone, even after kill -9.
    const child = spawn(process.execPath, ['-r', join(__dirname, 'launcher-child.js'), join(__dirname, entry)], {
      env,
      stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    });
    child.on('exit', (code, signal) => {
      if (!stopping) {
        console.error(`${entry} stopped (${signal ?? `exit ${code}`}); stopping the service.`);
        void stop(code || 1);
      }
    });
    children.push(child);
  }
  const appUrl = (process.env.APP_URL ?? `http://localhost:${process.env.PORT ?? 3000}`).replace(/\/$/, '');
  console.log(`Kleinstadt-Tandem starts on ${appUrl} …`);
  // Say where to go once the web process answers, with the logins again (the children's start-up logs bury them).
  if (await waitUntilHealthy(Number(process.env.PORT ?? 3000), () => stopping)) {
    const lines = [
      '',
      `Kleinstadt-Tandem is ready (${mode === 'embedded' ? 'embedded mode' : 'servers mode'}, ${((Date.now() - startedAt) / 1000).toFixed(1)} s): ${appUrl}`,
      ...(mode === 'embedded' ? [`Postausgang (emails are kept here, not sent): ${appUrl}/outbox`] : []),
      ...(demoLogins ? [demoLogins] : []),
      'Stop with Ctrl+C.',
      '',
    ];
    console.log(lines.join('\n'));
  }
}

async function waitUntilHealthy(port: number, gaveUp: () => boolean, timeoutMs = 120_000): Promise<boolean> {
  const bound = process.env.HOST;
  const host = !bound || bound === '0.0.0.0' || bound === '::' ? '127.0.0.1' : bound.includes(':') ? `[${bound}]` : bound;
  const until = Date.now() + timeoutMs;
  while (Date.now() < until && !gaveUp()) {
    const ok = await fetch(`http://${host}:${port}/health`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
