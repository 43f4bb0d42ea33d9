import { resolve } from 'node:path';
import type { PasswordHashCost } from '../../src/config/app-config';

// Where the real test servers live (loopback), overridable for other machines.
export const TEST_PG_ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * One id per suite run (set in jest.config.js, inherited by the workers): databases and BullMQ prefixes carry it,
 * so two runs on one machine never touch each other's. It starts with the run's start time in base 36, so a later
 * run can tell and drop what a crashed run left behind.
 */
export const TEST_RUN_ID = process.env.KT_TEST_RUN ?? `${Date.now().toString(36)}${process.pid.toString(36)}`;
export const TEST_DB_PREFIX = `kt_test_${TEST_RUN_ID}_`;
export const TEMPLATE_DB = `${TEST_DB_PREFIX}template`;

export function dbUrl(database: string): string {
  const u = new URL(TEST_PG_ADMIN_URL);
  u.pathname = `/${database}`;
  return u.toString();
}
/**
 * argon2id at its lowest cost for the apps and hashes of the tests (the product's default is argon2's own 64 MiB and 3
 * passes, 0.5 s a verify on a loaded 2-core machine; every login verifies one). Same algorithm and checks, cheaper work.
 */
export const TEST_PASSWORD_HASH: PasswordHashCost = { memoryKib: 1024, iterations: 1 };
export const TEST_PASSWORD_HASH_ENV = {
  PASSWORD_HASH_MEMORY_KIB: String(TEST_PASSWORD_HASH.memoryKib),
  PASSWORD_HASH_ITERATIONS: String(TEST_PASSWORD_HASH.iterations),
};
export const DESTATIS_XLSX = resolve(__dirname, '../../../shared/data/destatis/31122023_Auszug_GV.xlsx');
