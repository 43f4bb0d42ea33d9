/** One page of a list: which rows to read and what the pager shows. Pure (no Nest), shared by pages and API. */
export interface Page {
  /** 1-based, clamped to the last page. */
  page: number;
  pages: number;
  limit: number;
  total: number;
  offset: number;
  /** 1-based positions of the first and last row shown (0 and 0 for an empty list). */
  from: number;
  to: number;
}

/**
 * The page `requested` (anything that is not a whole number ≥ 1, e.g. a hand-edited `?seite=abc`, means the first)
 * of a list of `total` rows, `limit` per page; a page past the end shows the last one.
 */
export function pageOf(total: number, requested: unknown, limit: number): Page {
  const n = typeof requested === 'number' ? requested : Number(requested);
  const pages = Math.max(1, Math.ceil(total / limit));
  const page = Number.isInteger(n) && n >= 1 ? Math.min(n, pages) : 1;
  const offset = (page - 1) * limit;
  return { page, pages, limit, total, offset, from: total ? offset + 1 : 0, to: Math.min(total, offset + limit) };
}

/**
 * The page `requested` read together with its total (`read(offset, limit)` answers both in one statement). The page is
 * read where it was asked for; only a page past the end (a hand-edited `?seite=`) is read again, as the last one.
 */
export async function readCountedPage<T extends { total: number }>(
  requested: unknown,
  limit: number,
  read: (offset: number, limit: number) => Promise<T>,
): Promise<{ p: Page; read: T }> {
  const asked = pageOf(Number.MAX_SAFE_INTEGER, requested, limit); // the page number unclamped: no total yet
  const first = await read(asked.offset, limit);
  const p = pageOf(first.total, requested, limit);
  return { p, read: p.offset === asked.offset ? first : await read(p.offset, limit) };
}

/** The German pager below a list: "Tandems 26–50 von 1.140 (Seite 2 von 46)" with links to the neighbours. */
export function pager(p: Page, href: (page: number) => string, noun: string, label: string) {
  if (p.pages <= 1) return null;
  return {
    ...p,
    noun,
    label,
    prevHref: p.page > 1 ? href(p.page - 1) : null,
    nextHref: p.page < p.pages ? href(p.page + 1) : null,
  };
}
