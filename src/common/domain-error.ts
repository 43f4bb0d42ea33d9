import { HttpException, HttpStatus } from '@nestjs/common';

// One error type for rule violations: English for the API, German for the pages, and a stable code.
export class DomainError extends HttpException {
  constructor(
    status: number,
    readonly code: string,
    message: string,
    readonly messageDe: string,
    readonly field?: string,
  ) {
    super({ statusCode: status, error: code, message }, status);
  }
}

// Shared by municipalities and admin (both answer for a missing town the same way).
export const townNotFound = () =>
  new DomainError(HttpStatus.NOT_FOUND, 'town_not_found', 'Town not found', 'Diese Kommune wurde nicht gefunden.');

/** ?sortierung= names no order of the list (src/common/list-sort.util.ts). */
export const unknownSort = () =>
  new DomainError(HttpStatus.BAD_REQUEST, 'invalid_sort', 'Unknown sort order', 'Diese Sortierung gibt es nicht.', 'sortierung');

/**
 * The office's comment when it returns a proposal or an example (events, Methodenkoffer): trimmed, within `limits`,
 * else a comment_required error.
 */
export function reviewComment(comment: unknown, limits: { min: number; max: number }): string {
  const text = typeof comment === 'string' ? comment.trim() : '';
  if (text.length < limits.min || text.length > limits.max)
    throw new DomainError(
      HttpStatus.BAD_REQUEST,
      'comment_required',
      `A comment of ${limits.min} to ${limits.max} characters is required`,
      `Bitte schreiben Sie der Kommune einen Hinweis (${limits.min} bis ${limits.max.toLocaleString('de-DE')} Zeichen).`,
      'comment',
    );
  return text;
}
