import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEnvFile } from '../../../src/config/env-file';

describe('the start command reads .env before it chooses the mode (variables already set win)', () => {
  it('loads the file into process.env without overriding what the shell set', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kt-env-'));
    writeFileSync(join(dir, '.env'), 'KT_ENVFILE_A=from-file\nKT_ENVFILE_B=from-file\n');
    const env: NodeJS.ProcessEnv = { NODE_ENV: 'production', KT_ENVFILE_A: 'from-shell' };
    expect(loadEnvFile(env, dir)).toBe(true);
    expect(env).toEqual({ NODE_ENV: 'production', KT_ENVFILE_A: 'from-shell', KT_ENVFILE_B: 'from-file' });
  });

  it('reads nothing under tests or without a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kt-env-'));
    expect(loadEnvFile({ NODE_ENV: 'production' }, dir)).toBe(false);
    writeFileSync(join(dir, '.env'), 'KT_ENVFILE_B=from-file\n');
    const env: NodeJS.ProcessEnv = { NODE_ENV: 'test' };
    expect(loadEnvFile(env, dir)).toBe(false);
    expect(env).toEqual({ NODE_ENV: 'test' });
  });
});
