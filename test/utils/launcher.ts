import { ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { waitFor } from './wait-for';

// The real start path as a child process (dist/src/launcher.js, built by the test command), for the embedded e2e files.
const LAUNCHER = resolve(__dirname, '../../dist/src/launcher.js');

export { freePort } from './free-port';

export interface Launched {
  proc: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts the launcher with a clean environment (PATH, HOME, development, warn) plus `env`; collects its output. */
export function launch(env: NodeJS.ProcessEnv): Launched {
  const proc = spawn(process.execPath, [LAUNCHER], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'development', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  return { proc, output: () => out, exited };
}

/**
 * Polls `probe` until it gives a truthy value; fails at once when the launched process exits, and after the
 * deadline with the process's output.
 */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs: number,
  l?: Launched,
): Promise<T> {
  let found: { exited: true } | { v: T };
  try {
    found = await waitFor(
      async () => {
        if (l && l.proc.exitCode !== null) return { exited: true as const };
        const v = await probe().catch(() => undefined);
        return v ? { v } : undefined;
      },
      { timeoutMs, intervalMs: 200, what },
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}${l ? `\n${l.output()}` : ''}`, { cause: err });
  }
  if ('exited' in found) throw new Error(`launcher exited while waiting for ${what}:\n${l!.output()}`);
  return found.v;
}

/** Until GET /health answers 200; returns how long that took. */
export async function waitHealthy(url: string, l: Launched, timeoutMs = 60_000): Promise<number> {
  const started = Date.now();
  await until(`${url} healthy`, () => fetch(`${url}/health`).then((r) => r.ok), timeoutMs, l);
  return Date.now() - started;
}

/** SIGTERM, up to 15 s for a clean exit, then SIGKILL. */
export async function stop(l: Launched | undefined): Promise<void> {
  if (!l || l.proc.exitCode !== null) return;
  l.proc.kill('SIGTERM');
  await Promise.race([l.exited, new Promise((r) => setTimeout(r, 15_000))]);
  if (l.proc.exitCode === null) l.proc.kill('SIGKILL');
}
