import 'reflect-metadata';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { appConfig, type ProcessPlan } from './config/app-config';
import { localUrlHost, networkWarning } from './config/listen-host';
import { connectionBudgetWarning, embeddedModeLine, processesLine, readyMailLine } from './config/start-banner.util';
import { loadEnvFile } from './config/env-file';
import { chooseRuntimeMode } from './config/runtime-mode';
import { runMigrations } from './database/data-source';
import { formatLogins } from './commands/seeds/demo-logins.util';
import { nothingToPrepare } from './commands/seeds/start-check';
import { lockDataDir, writeInstanceInfo } from './embedded/data-dir-lock';
import { EmbeddedPostgres, startEmbeddedPostgres } from './embedded/embedded-postgres';
import { isJobAddedMessage } from './queue/embedded-wake';
import { ProcessSupervisor } from './process-supervisor';

// The start command: chooses the mode once, migrates, loads the bundled directory on a first start, seeds the demo data
// (embedded default, or SEED_DEMO=true), then runs WEB_CONCURRENCY web and WORKER_CONCURRENCY worker processes as children.
async function main() {
  const startedAt = Date.now();
  loadEnvFile();
  const mode = chooseRuntimeMode(process.env);
  // The children inherit this environment (plus the mode, and the embedded database's address).
  process.env.KT_MODE = mode;
  const env: NodeJS.ProcessEnv = { ...process.env };
  const config = appConfig(); // validated here too (a wrong variable stops the start before anything runs); knows the mode
  let embedded: EmbeddedPostgres | undefined;
  let unlock: (() => void) | undefined;

  if (mode === 'embedded') {
    const dataDir = resolve(config.dataDir);
    unlock = lockDataDir(dataDir);
    try {
      embedded = await startEmbeddedPostgres(dataDir, { port: config.embeddedPgPort, sessionWaitMs: config.embeddedSessionWaitMs });
    } catch (err) {
      unlock();
      throw new Error(`The embedded PostgreSQL in ${join(dataDir, 'pglite')} did not start: ${(err as Error).message}`, { cause: err });
    }
    env.DATABASE_URL = embedded.url;
    writeInstanceInfo(dataDir, { pid: process.pid, databaseUrl: embedded.url }); // for `npm run db:dump` while running
    delete env.REDIS_URL;
    console.log(embeddedModeLine(join(dataDir, 'pglite'), config));
  }

  let stopping = false;
  const supervisor = new ProcessSupervisor({
    env,
    // Embedded: "a job was added" from a web process to the worker process (src/queue/embedded-wake.ts).
    onMessage: (from, m) => {
      if (isJobAddedMessage(m)) supervisor.broadcast(m, from);
    },
    onStartFailure: (code) => void stop(code),
  });
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await supervisor.stop(8000);
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
    const warm = await nothingToPrepare(env.DATABASE_URL!, { seedDemo: config.seedDemo, resetDemoPasswords: config.resetDemoPasswords });
    if (warm) {
      if (config.seedDemo) demoLogins = `Demo-Logins:\n${formatLogins(warm.logins)}`;
    } else {
      // The directory and the demo seed run in one command context on the database the children will use (loaded only
      // here: booting it costs about a second a warm start does not need).
      process.env.DATABASE_URL = env.DATABASE_URL;
      /* eslint-disable @typescript-eslint/no-require-imports */
      const { withCommands } = require('./commands/run-command') as typeof import('./commands/run-command');
      const { DirectoryImportService } =
        require('./municipalities/directory/directory-import.service') as typeof import('./municipalities/directory/directory-import.service');
      const { describeBundledLoad } =
        require('./municipalities/directory/bundled-directory.util') as typeof import('./municipalities/directory/bundled-directory.util');
      const { DemoSeedService } = require('./commands/seeds/demo-seed.service') as typeof import('./commands/seeds/demo-seed.service');
      /* eslint-enable @typescript-eslint/no-require-imports */
      await withCommands(async (app) => {
        // First start (either mode): the bundled official directory, so a real town can be found; later starts skip it.
        const loaded = await app.get(DirectoryImportService).loadBundledIfMissing();
        if (loaded) console.log(describeBundledLoad(loaded));
        if (config.seedDemo) {
          const s = await app.get(DemoSeedService).seed({ resetPasswords: config.resetDemoPasswords });
          if (s.townsCreated) console.log(`DEMO DATA: ${s.townsCreated} pilot towns seeded (clearly marked as demo data).`);
          demoLogins = `Demo-Logins:\n${formatLogins(s.logins)}`;
        }
      });
    }
    if (demoLogins) console.log(demoLogins);
  } catch (err) {
    console.error(`Start-up failed: ${(err as Error).message}`);
    await stop(1);
    return;
  }

  // Web processes share the port (node:cluster), worker processes compete for the jobs (src/process-supervisor.ts).
  const plan = config.processes;
  console.log(processesLine(plan));
  if (mode === 'servers') {
    const warning = await connectionBudget(env.DATABASE_URL!, plan, config.databasePoolSize).catch(() => null);
    if (warning) console.warn(warning);
  }
  supervisor.run('web', plan.web);
  supervisor.run('worker', plan.workers);
  if (plan.web === 0) supervisor.markStarted(); // a worker-only host: nothing to wait for
  const appUrl = config.appUrl;
  const listening = `listening on ${config.host}:${config.port}${config.loopbackOnly ? ' (this machine only)' : ''}`;
  const warning = networkWarning(config.host, config.mailTransport.kind === 'outbox');
  console.log(`Kleinstadt-Tandem starts on ${appUrl}, ${listening} …`);
  if (warning) console.warn(warning);
  // Say where to go once the web process answers, with the logins again (the children's start-up logs bury them).
  if (plan.web > 0 && (await waitUntilHealthy(localUrlHost(config.host), config.port, () => stopping))) {
    supervisor.markStarted();
    const lines = [
      '',
      `Kleinstadt-Tandem is ready (${mode === 'embedded' ? 'embedded mode' : 'servers mode'}, ${((Date.now() - startedAt) / 1000).toFixed(1)} s): ${appUrl}`,
      readyMailLine(config, appUrl),
      `${plan.web > 1 ? `${plan.web} web processes` : 'Web process'} ${listening}.`,
      ...(demoLogins ? [demoLogins] : []),
      'Stop with Ctrl+C.',
      '',
    ];
    console.log(lines.join('\n'));
  }
}

/** Whether this host's processes could exceed the server's max_connections (warned, not refused: others may share it). */
async function connectionBudget(databaseUrl: string, plan: ProcessPlan, poolSize: number): Promise<string | null> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ max: string; reserved: string }>(
      `SELECT current_setting('max_connections') AS max, current_setting('superuser_reserved_connections') AS reserved`,
    );
    return connectionBudgetWarning(plan, poolSize, Number(rows[0].max), Number(rows[0].reserved));
  } finally {
    await client.end();
  }
}

async function waitUntilHealthy(host: string, port: number, gaveUp: () => boolean, timeoutMs = 120_000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until && !gaveUp()) {
    const ok = await fetch(`http://${host}:${port}/health`, { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
