// Where the real test servers live (loopback), overridable for other machines.
export const TEST_PG_ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const TEMPLATE_DB = 'kt_test_template';

export function dbUrl(database: string): string {
  const u = new URL(TEST_PG_ADMIN_URL);
  u.pathname = `/${database}`;
  return u.toString();
}
export const DESTATIS_XLSX = require('node:path').resolve(__dirname, '../../../shared/data/destatis/31122023_Auszug_GV.xlsx') as string;
