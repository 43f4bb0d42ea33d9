import type { ContactFunction } from './user-account.entity';

/** A contact person's role as pages and mails name it. */
export const CONTACT_FUNCTION_DE: Record<ContactFunction, string> = {
  mayor: 'Bürgermeisterin / Bürgermeister',
  deputy: 'Stellvertretung',
  staff: 'Verwaltung',
};

/** The German label of a stored role; `fallback` where none is set (or an unknown value). */
export const contactFunctionLabel = (f: string | null | undefined, fallback: string): string =>
  (f && CONTACT_FUNCTION_DE[f as ContactFunction]) || fallback;
