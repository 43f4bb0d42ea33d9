import { HttpStatus } from '@nestjs/common';
import { DomainError } from './domain-error';

/**
 * An optional free-text field of a form or an API body: trimmed text ('' when absent), or a 400 naming the field
 * (`en` for the API, `de` for the pages, e.g. "The reason" / "Die Begründung").
 */
export function optionalText(v: unknown, max: number, field: string, en: string, de: string): string {
  if (v == null) return '';
  if (typeof v !== 'string')
    throw new DomainError(HttpStatus.BAD_REQUEST, 'invalid_text', `${en} must be text`, `${de} muss Text sein.`, field);
  const s = v.trim();
  if (s.length > max) {
    throw new DomainError(
      HttpStatus.BAD_REQUEST,
      'too_long',
      `${en} is too long (${s.length} characters, at most ${max})`,
      `${de} ist zu lang (${s.length} Zeichen, höchstens ${max}).`,
      field,
    );
  }
  return s;
}
