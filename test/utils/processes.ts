import { ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { resolve } from 'node:path';
import Redis from 'ioredis';
import { TEST_PASSWORD_HASH_ENV, TEST_REDIS_URL } from './test-env';
import { waitFor } from './wait-for';

// The built web and worker entry points (dist/, from `npx nest build`) as separate processes on the real servers: what
// runs when the start command or compose runs several of them. Cross-process tests use these, not in-process apps.
const DIST = resolve(__dirname, '../../dist/src');

export interface ServiceProcess {
  kind: 'web' | 'worker';
  proc: ChildProcess;
  pid: number;
  /** Web: http://127.0.0.1:<port>. */
  url: string;
  output(): string;
  exited: Promise<void>;
}

/** The environment of one servers-mode installation: every process of it gets the same (plus its own PORT). */
export function serversEnv(o: {
  databaseUrl: string;
  queuePrefix: string;
  smtpPort: number;
  extra?: Record<string, string>;
}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'test',
    KT_MODE: 'servers',
    DATABASE_URL: o.databaseUrl,
    REDIS_URL: TEST_REDIS_URL,
    SMTP_URL: `smtp://127.0.0.1:${o.smtpPort}`,
    QUEUE_PREFIX: o.queuePrefix,
    SESSION_SECRET: 'several-processes-share-this-test-secret-0123456789',
    LOG_LEVEL: 'warn',
    ...TEST_PASSWORD_HASH_ENV,
    ...o.extra,
  };
}

function start(kind: 'web' | 'worker', env: NodeJS.ProcessEnv, port?: number): ServiceProcess {
  const entry = kind === 'web' ? 'main.js' : 'worker.js';
  const proc = spawn(process.execPath, [resolve(DIST, entry)], {
    env: { ...env, ...(port ? { PORT: String(port), APP_URL: env.APP_URL ?? `http://127.0.0.1:${port}` } : {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (out += d));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  return { kind, proc, pid: proc.pid!, url: port ? `http://127.0.0.1:${port}` : '', output: () => out, exited };
}

/** `node dist/src/main.js` on its own port; resolves once GET /health answers 200. */
export async function startWeb(env: NodeJS.ProcessEnv, port: number): Promise<ServiceProcess> {
  const p = start('web', env, port);
  await waitFor(
    async () => {
      if (p.proc.exitCode !== null) throw new Error(`web process exited:\n${p.output()}`);
      return (await fetch(`${p.url}/health`)).ok;
    },
    { timeoutMs: 90_000, intervalMs: 200, what: `web process on ${p.url} to be healthy` },
  ).catch((err: Error) => {
    throw new Error(`${err.message}\n${p.output()}`);
  });
  return p;
}

/** `node dist/src/worker.js`; wait for it with workersConnected(). */
export function startWorker(env: NodeJS.ProcessEnv): ServiceProcess {
  return start('worker', env);
}

/**
 * Until `count` BullMQ workers are connected to a queue: each names its Redis connection after the queue, so this
 * counts worker processes that are ready to take jobs (all queues of a process start together).
 */
export async function workersConnected(queuePrefix: string, queue: string, count: number, watch: ServiceProcess[] = []): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL);
  const name = `${queuePrefix}:${Buffer.from(queue).toString('base64')}`;
  try {
    await waitFor(
      async () => {
        const dead = watch.find((p) => p.proc.exitCode !== null);
        if (dead) throw new Error(`${dead.kind} process ${dead.pid} exited:\n${dead.output()}`);
        const list = (await redis.client('LIST')) as string;
        return list.split('\n').filter((l) => l.includes(` name=${name} `)).length >= count;
      },
      { timeoutMs: 90_000, intervalMs: 200, what: `${count} workers connected to ${queue}` },
    );
  } finally {
    redis.disconnect();
  }
}

/** SIGTERM to each, up to 15 s, then SIGKILL. */
export async function stopAll(ps: ServiceProcess[]): Promise<void> {
  await Promise.all(
    ps.map(async (p) => {
      if (p.proc.exitCode !== null || p.proc.signalCode !== null) return;
      p.proc.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([p.exited, new Promise((r) => (timer = setTimeout(r, 15_000)))]);
      clearTimeout(timer);
      if (p.proc.exitCode === null && p.proc.signalCode === null) p.proc.kill('SIGKILL');
    }),
  );
}

/** SIGKILL, resolved once the process is gone. */
export async function killHard(p: ServiceProcess): Promise<void> {
  p.proc.kill('SIGKILL');
  await p.exited;
}

/** Deletes a test's BullMQ keys (its own prefix) in Redis. */
export async function deleteQueueKeys(prefix: string): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** The local ports of the TCP connections a process holds to `remotePort` on this machine (read from /proc). */
export function connectionPortsOf(pid: number, remotePort: number): Set<number> {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]);
    } catch {
      /* closed meanwhile */
    }
  }
  const ports = new Set<number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || !inodes.has(f[9])) continue;
      const local = parseInt(f[1].split(':')[1], 16);
      const remote = parseInt(f[2].split(':')[1], 16);
      if (remote === remotePort) ports.add(local);
    }
  }
  return ports;
}
