import { ClassConstructor, plainToInstance } from 'class-transformer';
import { validate, ValidationError } from 'class-validator';

/** A form field as text; a nested object (`a[b]=c` in the body) is not text and counts as empty. */
export const asText = (v: unknown): string =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';

/** A form field that may arrive once (string) or repeated (array). */
export const asList = (v: unknown): string[] => (v == null ? [] : Array.isArray(v) ? v.map(asText) : [asText(v)]);

/**
 * One message of a form's error summary (issue 30): the German text and, where known, the id of the field it is
 * about, so the summary links to the field and the field shows its own error state. `toString` keeps it printable
 * wherever a page still treats errors as plain text.
 */
export interface FormError {
  text: string;
  field?: string;
  toString(): string;
}

export const formError = (text: string, field?: string): FormError => ({ text, field, toString: () => text });

/** The fields in error, by id, for the templates' error states (`kern-form-input--error`). */
export const fieldErrors = (errors: (FormError | string)[]): Record<string, string> =>
  Object.fromEntries(errors.flatMap((e) => (typeof e === 'string' || !e.field ? [] : [[e.field, e.text]])));

/**
 * Validates a page form with the API's DTO; German messages come from the page's own map, by field (one message per
 * field, e.g. one for all challenge texts). `anchor` turns the field's path with its row (`challenges.2.text`) into
 * the id of the input it belongs to; the default is the path itself.
 */
export async function validateForm<T extends object>(
  cls: ClassConstructor<T>,
  plain: Record<string, unknown>,
  german: Record<string, string>,
  anchor: (path: string) => string | undefined = (p) => p,
): Promise<{ dto: T; errors: FormError[] }> {
  const dto = plainToInstance(cls, plain);
  const invalid = await validate(dto, { whitelist: true, forbidNonWhitelisted: false });
  const byKey = new Map<string, string>();
  for (const path of flatten(invalid)) {
    const key = path.replace(/\.\d+(?=\.|$)/g, '');
    if (!byKey.has(key)) byKey.set(key, path);
  }
  const errors = [...byKey].map(([key, path]) =>
    formError(german[key] ?? german._default ?? `Bitte prüfen Sie das Feld „${key}“.`, anchor(path)),
  );
  return { dto, errors };
}

function flatten(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    return e.children?.length ? flatten(e.children, path) : [path];
  });
}
