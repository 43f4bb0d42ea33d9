import { ChildProcess, spawn } from 'node:child_process';
import cluster from 'node:cluster';
import { join } from 'node:path';

// The launcher's children: web processes as node:cluster workers (they share one listening port, the launcher hands
// out the connections round-robin) and worker processes as plain children. Each runs with launcher-child.js
// preloaded and an IPC channel, so it stops when the launcher is gone. One that dies after the start is started again
// with a growing pause; one that dies during the start stops the service (a wrong setting, a port in use: say so
// once instead of trying forever).

export type ProcessKind = 'web' | 'worker';

const ENTRY: Record<ProcessKind, string> = { web: 'main.js', worker: 'worker.js' };
const FIRST_DELAY_MS = 1_000;
const MAX_DELAY_MS = 30_000;
/** A process that ran this long before it died counts as a fresh failure, not one more of a series. */
const STABLE_AFTER_MS = 60_000;

/** Pause before starting a process again after its n-th failure in a row: 1 s, 2 s, 4 s, … at most 30 s. */
export function restartDelayMs(failuresInARow: number): number {
  return Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.max(0, failuresInARow - 1));
}

interface Running {
  pid: number;
  /** How it ended ("SIGKILL", "exit 1") and its exit code, once it has. */
  ended?: { how: string; code: number };
  send(m: unknown): void;
  connected(): boolean;
  kill(signal: NodeJS.Signals): void;
  exited: Promise<void>;
  hasExited(): boolean;
}

interface Slot {
  kind: ProcessKind;
  index: number;
  current?: Running;
  failures: number;
  restartTimer?: NodeJS.Timeout;
}

export interface SupervisorOptions {
  /** The children's environment (cluster workers get it on top of the launcher's own). */
  env: NodeJS.ProcessEnv;
  /** A message from one child (embedded: "a job was added", passed on to the others). */
  onMessage(from: ProcessKind, message: unknown): void;
  /** A child died while the service was still starting: the launcher stops with this code. */
  onStartFailure(code: number): void;
}

export class ProcessSupervisor {
  private readonly slots: Slot[] = [];
  private started = false;
  private stopping = false;

  constructor(private readonly opts: SupervisorOptions) {
    cluster.setupPrimary({ exec: join(__dirname, ENTRY.web), execArgv: [...process.execArgv, '-r', join(__dirname, 'launcher-child.js')] });
  }

  /** Starts `count` processes of a kind. */
  run(kind: ProcessKind, count: number): void {
    for (let index = 1; index <= count; index++) {
      const slot: Slot = { kind, index, failures: 0 };
      this.slots.push(slot);
      this.launch(slot);
    }
  }

  /** From now on a child that dies is started again (before: the start failed). */
  markStarted(): void {
    this.started = true;
  }

  /** Sends a message to every running child except the sender's kind-and-index. */
  broadcast(message: unknown, except?: ProcessKind): void {
    for (const s of this.slots) if (s.kind !== except && s.current?.connected()) s.current.send(message);
  }

  /** SIGTERM to every child, then waits for them (at most `graceMs`); pending restarts are cancelled. */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    const running = this.slots.flatMap((s) => {
      clearTimeout(s.restartTimer);
      return s.current && !s.current.hasExited() ? [s.current] : [];
    });
    for (const r of running) r.kill('SIGTERM');
    await Promise.race([Promise.all(running.map((r) => r.exited)), new Promise((r) => setTimeout(r, graceMs).unref())]);
  }

  private launch(slot: Slot): void {
    const startedAt = Date.now();
    const r = slot.kind === 'web' ? this.forkWeb() : this.spawnWorker();
    slot.current = r;
    void r.exited.then(() => this.exited(slot, r, startedAt));
  }

  private exited(slot: Slot, r: Running, startedAt: number): void {
    if (this.stopping || slot.current !== r) return;
    const name = `${slot.kind} process ${slot.index} (pid ${r.pid})`;
    const how = r.ended?.how ?? 'exited';
    if (!this.started) {
      console.error(`${name} stopped during the start (${how}); stopping the service.`);
      this.opts.onStartFailure(r.ended?.code || 1);
      return;
    }
    slot.failures = Date.now() - startedAt >= STABLE_AFTER_MS ? 1 : slot.failures + 1;
    const delay = restartDelayMs(slot.failures);
    console.error(`${name} stopped (${how}); starting it again in ${delay / 1000} s.`);
    slot.restartTimer = setTimeout(() => {
      if (!this.stopping) this.launch(slot);
    }, delay);
  }

  private forkWeb(): Running {
    const w = cluster.fork(this.opts.env);
    w.on('message', (m: unknown) => this.opts.onMessage('web', m));
    const exited = new Promise<void>((resolve) =>
      w.once('exit', (code: number, signal: string) => {
        record(running, code, signal || null);
        resolve();
      }),
    );
    const running: Running = {
      pid: w.process.pid!,
      send: (m) => w.send(m as never),
      connected: () => w.isConnected(),
      kill: (signal) => w.process.kill(signal),
      exited,
      hasExited: () => w.isDead(),
    };
    return running;
  }

  private spawnWorker(): Running {
    const c: ChildProcess = spawn(
      process.execPath,
      [...process.execArgv, '-r', join(__dirname, 'launcher-child.js'), join(__dirname, ENTRY.worker)],
      {
        env: this.opts.env,
        stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
      },
    );
    c.on('message', (m) => this.opts.onMessage('worker', m));
    const exited = new Promise<void>((resolve) =>
      c.once('exit', (code, signal) => {
        record(running, code, signal);
        resolve();
      }),
    );
    const running: Running = {
      pid: c.pid!,
      send: (m) => c.send(m as never),
      connected: () => c.connected,
      kill: (signal) => c.kill(signal),
      exited,
      hasExited: () => c.exitCode !== null || c.signalCode !== null,
    };
    return running;
  }
}

function record(r: Running, code: number | null, signal: string | null): void {
  r.ended = { how: signal ?? `exit ${code}`, code: code ?? 1 };
}
