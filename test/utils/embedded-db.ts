import { ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runMigrations } from '../../src/database/data-source';
import { TEST_RUN_ID } from './test-env';

// PGlite loads its WASM with a dynamic import that jest cannot run: the embedded database runs in a child process
// (dist/, built by the test command) and the app talks to it over its loopback socket, exactly as under the launcher.
const EMBEDDED = resolve(__dirname, '../../dist/src/embedded/embedded-postgres.js');
/** One migrated data folder per suite run; each test file starts from a copy (initdb alone takes ~5 s). */
const EMBEDDED_TEMPLATE_DIR = join(tmpdir(), `kt-test-${TEST_RUN_ID}-pglite-template`);

export interface EmbeddedDb {
  url: string;
  /** What the embedded server logged (its refused waits among it). */
  output(): string;
  /** SIGKILL (the copy is thrown away), or SIGTERM for a clean shutdown that keeps the folder. */
  stop(clean?: boolean): Promise<void>;
}

async function startEmbeddedDb(dataDir: string, sessionWaitMs?: number): Promise<EmbeddedDb> {
  const opts = JSON.stringify({ sessionWaitMs });
  const driver =
    `require(${JSON.stringify(EMBEDDED)}).startEmbeddedPostgres(${JSON.stringify(dataDir)}, ${opts}).then((e) => {` +
    ` console.log('URL ' + e.url); process.on('SIGTERM', () => e.stop().then(() => process.exit(0))); })`;
  const proc: ChildProcess = spawn(process.execPath, ['-e', driver], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stderr!.on('data', (d) => (out += d));
  const url = await new Promise<string>((ok, fail) => {
    proc.stdout!.on('data', (d) => {
      out += d;
      const m = /URL (postgres:\/\/\S+)/.exec(out);
      if (m) ok(m[1]);
    });
    proc.once('exit', (code) => fail(new Error(`embedded PostgreSQL exited (${code}):\n${out}`)));
  });
  return {
    url,
    output: () => out,
    async stop(clean = false) {
      if (proc.exitCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill(clean ? 'SIGTERM' : 'SIGKILL');
      await exited;
    },
  };
}

/** Migrated once per run (global setup), stopped cleanly so each copy starts without recovery. */
export async function prepareEmbeddedTemplate(): Promise<void> {
  rmSync(EMBEDDED_TEMPLATE_DIR, { recursive: true, force: true });
  mkdirSync(EMBEDDED_TEMPLATE_DIR);
  const db = await startEmbeddedDb(EMBEDDED_TEMPLATE_DIR);
  try {
    await runMigrations(db.url);
  } finally {
    await db.stop(true);
  }
}

/** This run's folders (global teardown); a crashed run's are removed by the next run's setup after some hours. */
export function removeEmbeddedFolders(olderThanMs = 0): void {
  for (const name of readdirSync(tmpdir())) {
    const m = /^kt-test-([0-9a-z]{8})[0-9a-z]*-pglite/.exec(name);
    if (!m) continue;
    const mine = name.startsWith(`kt-test-${TEST_RUN_ID}-`);
    if (olderThanMs ? Date.now() - parseInt(m[1], 36) > olderThanMs : mine) {
      rmSync(join(tmpdir(), name), { recursive: true, force: true });
    }
  }
}

/** A fresh copy of the template for one test file, served on its own port. */
// Tests wait up to 30 s for PGlite's one session (the product's default is 5 s): with two test files at once on a loaded
// 2-core machine a busy session is slowness, not the refusal that the guard tests provoke with their own short limit.
export async function createEmbeddedTestDb(sessionWaitMs = 30_000): Promise<EmbeddedDb & { dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), `kt-test-${TEST_RUN_ID}-pglite-`));
  cpSync(EMBEDDED_TEMPLATE_DIR, dir, { recursive: true });
  const db = await startEmbeddedDb(dir, sessionWaitMs);
  return {
    ...db,
    dir,
    async stop() {
      await db.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
