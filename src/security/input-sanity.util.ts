// Pure checks on decoded request input (body, query, path): what no route wants and what made the service answer 500
// (NUL bytes reach PostgreSQL; lone surrogates break encodeURIComponent; deep nesting overflows the validators'
// recursion; keys named like Object.prototype members confuse code that reads `body.x`). Iterative, so a hostile
// depth cannot overflow this check itself.

export const MAX_DEPTH = 12;
const MAX_NODES = 5_000;

// Own keys that would shadow what plain objects inherit (or rewire their prototype).
const FORBIDDEN_KEYS = new Set(Object.getOwnPropertyNames(Object.prototype));

export type InputProblem = 'nul' | 'surrogate' | 'depth' | 'size' | 'key';

export function findInputProblem(value: unknown): InputProblem | null {
  const stack: Array<[unknown, number]> = [[value, 0]];
  let nodes = 0;
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (++nodes > MAX_NODES) return 'size';
    if (typeof v === 'string') {
      const p = stringProblem(v);
      if (p) return p;
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= MAX_DEPTH) return 'depth';
    if (Array.isArray(v)) {
      for (const item of v) stack.push([item, depth + 1]);
      continue;
    }
    for (const key of Object.keys(v)) {
      if (FORBIDDEN_KEYS.has(key)) return 'key';
      const p = stringProblem(key);
      if (p) return p;
      stack.push([(v as Record<string, unknown>)[key], depth + 1]);
    }
  }
  return null;
}

// A high surrogate not followed by a low one, or a low one without a high one before it.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function stringProblem(s: string): InputProblem | null {
  if (s.includes('\u0000')) return 'nul';
  if (LONE_SURROGATE.test(s)) return 'surrogate';
  return null;
}

/** Query values are single strings on every route: a repeated key (`suche=a&suche=b`) or `a[b]=c` is refused. */
export function queryProblem(query: unknown): 'repeated' | InputProblem | null {
  if (query === null || typeof query !== 'object') return null;
  for (const [key, v] of Object.entries(query)) {
    if (FORBIDDEN_KEYS.has(key)) return 'key';
    if (typeof v !== 'string') return 'repeated';
    const p = stringProblem(key) ?? stringProblem(v);
    if (p) return p;
  }
  return null;
}

/** The path as the router will decode it: undecodable percent-encoding, NUL or lone surrogates are refused. */
export function pathProblem(rawPath: string): 'encoding' | InputProblem | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return 'encoding';
  }
  return stringProblem(decoded);
}

/** True when a raw query string or form body has a percent-escape that is not valid UTF-8 (`%zz`, `%E0%A4%A`, `%ED%A0%80`). */
export function hasBadPercentEncoding(raw: string): boolean {
  if (!raw.includes('%')) return false;
  for (const part of raw.split(/[&=]/)) {
    try {
      decodeURIComponent(part);
    } catch {
      return true;
    }
  }
  return false;
}
