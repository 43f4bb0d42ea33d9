// The feedback form of the accessibility statement (issue 30, BITV 2.0 § 7 Abs. 1 Nr. 2): checks the input and says
// in German what is wrong, field by field. Pure: no Nest, no database.
import { formError, type FormError } from '../common/form.util';

export const FEEDBACK_LIMITS = { name: 120, email: 254, page: 300, message: 4000 } as const;
const EMAIL = /^[^\s@<>"',;]+@[^\s@<>"',;]+\.[^\s@<>"',;]{2,}$/;

export interface FeedbackInput {
  name: string;
  email: string;
  page: string;
  message: string;
}

const text = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

/** The form as text (a repeated or nested field counts as empty) and its problems; nothing is stored with problems. */
export function checkFeedback(body: Record<string, unknown>): { input: FeedbackInput; errors: FormError[] } {
  const input: FeedbackInput = { name: text(body.name), email: text(body.email), page: text(body.page), message: text(body.message) };
  const errors: FormError[] = [];
  if (input.name.length > FEEDBACK_LIMITS.name)
    errors.push(formError(`Ihr Name darf höchstens ${FEEDBACK_LIMITS.name} Zeichen lang sein.`, 'fb-name'));
  if (input.email && (input.email.length > FEEDBACK_LIMITS.email || !EMAIL.test(input.email)))
    errors.push(formError('Bitte geben Sie eine gültige E-Mail-Adresse an oder lassen Sie das Feld leer.', 'fb-email'));
  if (input.page.length > FEEDBACK_LIMITS.page)
    errors.push(formError(`Die Angabe zur Seite darf höchstens ${FEEDBACK_LIMITS.page} Zeichen lang sein.`, 'fb-page'));
  if (!input.message) errors.push(formError('Bitte beschreiben Sie die Barriere in Ihrer Nachricht.', 'fb-message'));
  else if (input.message.length > FEEDBACK_LIMITS.message)
    errors.push(
      formError(`Ihre Nachricht darf höchstens ${FEEDBACK_LIMITS.message.toLocaleString('de-DE')} Zeichen lang sein.`, 'fb-message'),
    );
  return { input, errors };
}
