import { ClassConstructor, plainToInstance } from 'class-transformer';
import { validate, ValidationError } from 'class-validator';

/** A form field that may arrive once (string) or repeated (array). */
export const asList = (v: unknown): string[] => (v == null ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

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
