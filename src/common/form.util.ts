import { ClassConstructor, plainToInstance } from 'class-transformer';
import { validate, ValidationError } from 'class-validator';

/** A form field as text; a nested object (`a[b]=c` in the body) is not text and counts as empty. */
export const asText = (v: unknown): string =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';

/** A form field that may arrive once (string) or repeated (array). */
export const asList = (v: unknown): string[] => (v == null ? [] : Array.isArray(v) ? v.map(asText) : [asText(v)]);

/** Validates a page form with the API's DTO; German messages come from the page's own map, by field. */
export async function validateForm<T extends object>(
  cls: ClassConstructor<T>,
  plain: Record<string, unknown>,
  german: Record<string, string>,
): Promise<{ dto: T; errors: string[] }> {
  const dto = plainToInstance(cls, plain);
  const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: false });
  const fields = [...new Set(flatten(errors))];
  return { dto, errors: fields.map((f) => german[f] ?? german._default ?? `Bitte prüfen Sie das Feld „${f}“.`) };
}

function flatten(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = /^\d+$/.test(e.property) ? prefix : prefix ? `${prefix}.${e.property}` : e.property;
    return e.children?.length ? flatten(e.children, path) : [path];
  });
}
