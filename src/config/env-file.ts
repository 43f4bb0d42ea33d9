import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';

/**
 * Reads `.env` from the working directory into the environment before the start command chooses the mode, port and
 * data folder, as the web and worker processes (@nestjs/config) do: variables already set win. Tests never read it.
 */
export function loadEnvFile(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): boolean {
  const file = resolve(cwd, '.env');
  if (env.NODE_ENV === 'test' || !existsSync(file)) return false;
  for (const [key, value] of Object.entries(parseEnv(readFileSync(file, 'utf8')))) if (env[key] === undefined) env[key] = value;
  return true;
}
