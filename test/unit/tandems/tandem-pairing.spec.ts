import { PAIRING_REASON_MAX, parsePairingInput } from '../../../src/tandems/tandem-pairing.util';

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
const good = { townA: A, townB: B, topic: 'leerstand', reason: 'Beide arbeiten an leeren Läden am Markt.' };
const refusal = (raw: Record<string, unknown>) => {
  const r = parsePairingInput(raw);
  return r.ok ? null : r.refusal;
};

describe('the input of a pairing outside a round (issue 25)', () => {
  it('takes two towns, a topic and a reason of 10 to 1000 characters (trimmed)', () => {
    expect(parsePairingInput({ ...good, reason: `  ${good.reason}  `, townA: A.toUpperCase() })).toEqual({
      ok: true,
      input: { ...good, townA: A },
    });
    expect(refusal({ ...good, reason: 'x'.repeat(PAIRING_REASON_MAX) })).toBeNull();
    expect(refusal({ ...good, reason: '0123456789' })).toBeNull();
  });

  it('refuses each malformed field with its code, field and a German message', () => {
    expect(refusal({ ...good, townA: 'abc' })).toMatchObject({
      code: 'invalid_town',
      field: 'townA',
      messageDe: 'Bitte wählen Sie zwei Kommunen aus.',
    });
    expect(refusal({ ...good, townB: ['x'] })).toMatchObject({ code: 'invalid_town', field: 'townB' });
    expect(refusal({ ...good, townB: A.toUpperCase() })).toMatchObject({
      code: 'self',
      messageDe: 'Bitte wählen Sie zwei verschiedene Kommunen.',
    });
    expect(refusal({ ...good, topic: '' })).toMatchObject({ code: 'topic_required', field: 'topic' });
    expect(refusal({ ...good, topic: 'Leer stand' })).toMatchObject({ code: 'unknown_topic' });
    expect(refusal({ ...good, topic: { a: 1 } })).toMatchObject({ code: 'unknown_topic' });
    expect(refusal({ ...good, reason: 12345678901 })).toMatchObject({ code: 'invalid_text', field: 'reason' });
    expect(refusal({ ...good, reason: '   123456789   ' })).toMatchObject({ code: 'reason_required', field: 'reason' });
    expect(refusal({ ...good, reason: undefined })).toMatchObject({ code: 'reason_required' });
    expect(refusal({ ...good, reason: 'x'.repeat(PAIRING_REASON_MAX + 1) })).toMatchObject({
      code: 'too_long',
      messageDe: 'Die Begründung ist zu lang (1001 Zeichen, höchstens 1000).',
    });
  });
});
