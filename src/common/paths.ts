import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

// Same answer from src/ (jest) and dist/src/ (compiled): walk up to the folder holding package.json.
function findRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`package.json not found above ${start}`);
    dir = up;
  }
  return dir;
}

export const REPO_ROOT = findRoot(__dirname);
export const TEMPLATES_DIR = join(REPO_ROOT, 'templates');
