// Checks at the boundary for values that reach a typed column: a string that PostgreSQL would refuse as a uuid, or a
// number outside a column's range, must be a 400 with a clear message, never a database error (500).

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A canonical uuid (any version), as PostgreSQL's uuid type and the API's `@IsUUID()` accept it. */
export const isUuid = (v: unknown): v is string => typeof v === 'string' && UUID.test(v);

/** An integer in [min, max] (a smallint column: at most 32767), from a number or a form's decimal text. */
export function intInRange(v: unknown, min: number, max: number): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d{1,12}\s*$/.test(v) ? Number(v) : NaN;
  return Number.isInteger(n) && n >= min && n <= max ? n : null;
}
