import { checkFeedback } from '../../../src/legal/accessibility-feedback.util';

describe('the accessibility feedback form (BITV 2.0 feedback mechanism)', () => {
  it('needs only a message; name, address and page are optional and trimmed', () => {
    const { input, errors } = checkFeedback({ name: '  ', email: '', message: '  Kontrast zu schwach ' });
    expect(errors).toEqual([]);
    expect(input).toEqual({ name: '', email: '', page: '', message: 'Kontrast zu schwach' });
  });

  it('names each wrong field in German with the id of its input', () => {
    const { errors } = checkFeedback({ name: 'x'.repeat(121), email: 'keine-adresse', page: 'p'.repeat(301), message: ' ' });
    expect(errors.map((e) => [e.field, e.text])).toEqual([
      ['fb-name', 'Ihr Name darf höchstens 120 Zeichen lang sein.'],
      ['fb-email', 'Bitte geben Sie eine gültige E-Mail-Adresse an oder lassen Sie das Feld leer.'],
      ['fb-page', 'Die Angabe zur Seite darf höchstens 300 Zeichen lang sein.'],
      ['fb-message', 'Bitte beschreiben Sie die Barriere in Ihrer Nachricht.'],
    ]);
    expect(String(errors[3])).toBe('Bitte beschreiben Sie die Barriere in Ihrer Nachricht.');
  });

  it('treats repeated or nested fields as empty and refuses an overlong message', () => {
    const { errors } = checkFeedback({ message: ['a', 'b'], email: { x: 1 } });
    expect(errors.map((e) => e.field)).toEqual(['fb-message']);
    expect(checkFeedback({ message: 'm'.repeat(4001) }).errors[0].text).toBe('Ihre Nachricht darf höchstens 4.000 Zeichen lang sein.');
  });
});
