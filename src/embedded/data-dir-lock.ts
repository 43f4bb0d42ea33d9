import { accessSync, constants, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

class DataDirError extends Error {}

const LOCK_FILE = 'kleinstadt-tandem.lock';
const INSTANCE_FILE = 'kleinstadt-tandem.instance.json';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** The folder itself (device + inode): a copy of the folder is a different one, a rename is not. */
const identity = (dir: string) => {
  const st = statSync(dir);
  return `${st.dev}:${st.ino}`;
};

interface LockContent {
  pid: number;
  dir?: string;
}

function readLock(lock: string): LockContent | null {
  try {
    const raw = readFileSync(lock, 'utf8').trim();
    if (/^\d+$/.test(raw)) return { pid: Number(raw) }; // the format before the folder identity was recorded
    const parsed = JSON.parse(raw) as LockContent;
    return typeof parsed.pid === 'number' ? parsed : null;
  } catch {
    return null;
  }
}

/**
 * One embedded instance per data folder: a lock file holding the owner's PID and the folder's identity, created
 * exclusively. A lock whose process is gone (crash, kill -9) is taken over; a live one refuses the start. A lock
 * recorded for ANOTHER folder means this folder is a copy taken while an instance ran on the original: PGlite's
 * files may then be inconsistent, so the start is refused with what to do instead (`npm run db:dump`).
 */
export function lockDataDir(dir: string): () => void {
  try {
    mkdirSync(dir, { recursive: true });
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
    accessSync(dir, constants.R_OK | constants.W_OK);
  } catch (err) {
    throw new DataDirError(`The data folder ${dir} cannot be used (${(err as Error).message}). Set DATA_DIR to a writable folder.`);
  }
  const lock = join(dir, LOCK_FILE);
  const me = identity(dir);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lock, JSON.stringify({ pid: process.pid, dir: me }), { flag: 'wx' });
      return () => {
        rmSync(join(dir, INSTANCE_FILE), { force: true });
        rmSync(lock, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST')
        throw new DataDirError(`Cannot lock the data folder ${dir}: ${(err as Error).message}`);
      const owner = readLock(lock);
      if (owner?.dir && owner.dir !== me) {
        throw new DataDirError(
          `The data folder ${dir} was copied while Kleinstadt-Tandem was running on it (it holds that instance's lock file ${lock}); ` +
            'such a copy may be inconsistent. Back up a running service with `npm run db:dump -- backup.sql`, or copy the folder after stopping it. ' +
            `If this copy was made after the service had stopped, delete ${lock} and start again.`,
        );
      }
      if (owner && owner.pid !== process.pid && alive(owner.pid)) {
        throw new DataDirError(
          `Another Kleinstadt-Tandem instance (PID ${owner.pid}) is already running on the data folder ${dir}. Stop it first or set DATA_DIR to another folder.`,
        );
      }
      rmSync(lock, { force: true }); // stale lock of a process that is gone
    }
  }
  throw new DataDirError(`Cannot lock the data folder ${dir}`);
}

export interface RunningInstance {
  pid: number;
  /** The loopback PostgreSQL socket the instance serves its PGlite database on. */
  databaseUrl: string;
}

/** Written by the launcher once the embedded database listens, so tools (db:dump) can reach the running instance. */
export function writeInstanceInfo(dir: string, info: RunningInstance): void {
  writeFileSync(join(dir, INSTANCE_FILE), JSON.stringify(info), { mode: 0o600 });
}

/** The live instance on this folder, or null when none runs (its lock is absent, stale, or from another folder). */
export function runningInstance(dir: string): RunningInstance | null {
  const owner = readLock(join(dir, LOCK_FILE));
  if (!owner || !alive(owner.pid) || (owner.dir && owner.dir !== identity(dir))) return null;
  try {
    const info = JSON.parse(readFileSync(join(dir, INSTANCE_FILE), 'utf8')) as RunningInstance;
    return info.pid === owner.pid && typeof info.databaseUrl === 'string' ? info : null;
  } catch {
    return null;
  }
}
