import { accessSync, constants, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export class DataDirError extends Error {}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * One embedded instance per data folder: a lock file holding the owner's PID, created exclusively.
 * A lock whose process is gone (crash, kill -9) is taken over; a live one refuses the start.
 */
export function lockDataDir(dir: string): () => void {
  try {
    mkdirSync(dir, { recursive: true });
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
    accessSync(dir, constants.R_OK | constants.W_OK);
  } catch (err) {
    throw new DataDirError(`The data folder ${dir} cannot be used (${(err as Error).message}). Set DATA_DIR to a writable folder.`);
  }
  const lock = join(dir, 'kleinstadt-tandem.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      return () => rmSync(lock, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new DataDirError(`Cannot lock the data folder ${dir}: ${(err as Error).message}`);
      const owner = Number(readFileSync(lock, 'utf8').trim());
      if (owner && owner !== process.pid && alive(owner)) {
        throw new DataDirError(`Another Kleinstadt-Tandem instance (PID ${owner}) is already running on the data folder ${dir}. Stop it first or set DATA_DIR to another folder.`);
      }
      rmSync(lock, { force: true }); // stale lock of a process that is gone
    }
  }
  throw new DataDirError(`Cannot lock the data folder ${dir}`);
}
