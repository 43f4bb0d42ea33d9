/**
 * Typed raw SQL. TypeORM's `query()` answers `any`; these name each query's row type once, at the boundary.
 *
 * Rows are what the pg driver makes of them (both modes use it): int/float columns as numbers, bigint (a
 * `count(*)` without `::int`) and numeric as strings, timestamps as Date, json/jsonb parsed, arrays as arrays.
 * The row type is a promise about the SQL's aliases and casts, not a runtime check.
 */
export interface SqlRunner {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/** A SELECT, INSERT … RETURNING or WITH … statement: its rows. A bare UPDATE or DELETE goes through queryChanged. */
export async function queryRows<T>(runner: SqlRunner, sql: string, params: unknown[] = []): Promise<T[]> {
  // Always a parameter list, even empty: one statement, so it may run as a named prepared statement (servers mode).
  return (await runner.query(sql, params)) as T[];
}

/** A bare UPDATE or DELETE (with or without RETURNING): TypeORM's postgres driver answers it as [rows, affected count]. */
export async function queryChanged<T = never>(
  runner: SqlRunner,
  sql: string,
  params: unknown[] = [],
): Promise<{ rows: T[]; count: number }> {
  const [rows, count] = (await runner.query(sql, params)) as [T[], number];
  return { rows, count };
}
