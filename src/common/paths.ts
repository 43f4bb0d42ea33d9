import { existsSync, readFileSync } from 'node:fs';
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

/** The KERN design system's built CSS and fonts (issue 30), served by the service under a versioned path. */
const KERN_PACKAGE = dirname(require.resolve('@kern-ux/native/package.json', { paths: [REPO_ROOT] }));
export const KERN_DIST_DIR = join(KERN_PACKAGE, 'dist');
const KERN_VERSION = (JSON.parse(readFileSync(join(KERN_PACKAGE, 'package.json'), 'utf8')) as { version: string }).version;
export const KERN_PREFIX = `/static/kern/${KERN_VERSION}/`;
