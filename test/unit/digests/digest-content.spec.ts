import {
  composeDigest,
  DigestSection,
  isDue,
  isoWeekOf,
  joinGerman,
  mondayOf,
  parseIsoWeek,
  periodLabel,
  unsubscribeSignature,
  unsubscribeUrl,
  verifyUnsubscribe,
  weeksBetween,
} from '../../../src/digests/digest-content.util';

const section = (key: string, ids: string[]): DigestSection => ({
  key,
  title: key,
  intro: '',
  summary: `${ids.length} x`,
  items: ids.map((id) => ({ key: `${key}:${id}`, title: `Stadt ${id}` })),
});

describe('digest content', () => {
  it('keeps only items no earlier digest carried and drops sections left empty', () => {
    const d = composeDigest(
      [section('suggestions', ['a', 'b', 'c']), section('new-towns', ['x'])],
      new Set(['suggestions:a', 'new-towns:x']),
      'Rüthen',
    )!;
    expect(d.sections.map((s) => s.key)).toEqual(['suggestions']);
    expect(d.itemKeys).toEqual(['suggestions:b', 'suggestions:c']);
    expect(d.subject).toBe('Neu für Rüthen: 2 neue Partnervorschläge');
  });

  it('is null when nothing is new (the run records a skip instead of sending)', () => {
    expect(composeDigest([section('suggestions', ['a'])], new Set(['suggestions:a']), 'Olbernhau')).toBeNull();
    expect(composeDigest([], new Set(), 'Olbernhau')).toBeNull();
  });

  it('writes a German subject with singular and plural forms', () => {
    const d = composeDigest([section('suggestions', ['a']), section('new-towns', ['x', 'y'])], new Set(), 'Brunsbüttel')!;
    expect(d.subject).toBe('Neu für Brunsbüttel: ein neuer Partnervorschlag und 2 neue Kommunen zu Ihren Themen');
    expect(joinGerman(['a', 'b', 'c'])).toBe('a, b und c');
  });
});

describe('ISO weeks in Europe/Berlin', () => {
  it('uses the local calendar day: Sunday 23:30 UTC is already Monday in Berlin', () => {
    expect(isoWeekOf(new Date('2026-11-29T23:30:00Z'), 'Europe/Berlin')).toBe('2026-W49');
    expect(isoWeekOf(new Date('2026-11-29T23:30:00Z'), 'UTC')).toBe('2026-W48');
  });

  it('handles year boundaries (1 January 2027 belongs to 2026-W53, 2025-12-29 to 2026-W01)', () => {
    expect(isoWeekOf(new Date('2027-01-01T12:00:00Z'))).toBe('2026-W53');
    expect(isoWeekOf(new Date('2025-12-29T12:00:00Z'))).toBe('2026-W01');
    expect(mondayOf('2026-W01').toISOString().slice(0, 10)).toBe('2025-12-29');
    expect(mondayOf('2026-W49').toISOString().slice(0, 10)).toBe('2026-11-30');
    expect(weeksBetween('2026-W52', '2027-W01')).toBe(2);
  });

  it('parses only real weeks', () => {
    expect(parseIsoWeek('2026-W53')).toEqual({ year: 2026, week: 53 });
    expect(parseIsoWeek('2025-W53')).toBeNull();
    expect(parseIsoWeek('2026-W00')).toBeNull();
    expect(parseIsoWeek('2026-49')).toBeNull();
    expect(parseIsoWeek(['2026-W01'])).toBeNull();
    expect(periodLabel('2026-W49')).toBe('KW 49/2026, 30.11.–6.12.2026');
  });
});

describe('rhythm', () => {
  it('weekly, every two weeks, monthly (four weeks), off', () => {
    expect(isDue('weekly', null, '2026-W49')).toBe(true);
    expect(isDue('weekly', '2026-W48', '2026-W49')).toBe(true);
    expect(isDue('biweekly', '2026-W48', '2026-W49')).toBe(false);
    expect(isDue('biweekly', '2026-W47', '2026-W49')).toBe(true);
    expect(isDue('monthly', '2026-W46', '2026-W49')).toBe(false);
    expect(isDue('monthly', '2026-W45', '2026-W49')).toBe(true);
    expect(isDue('monthly', '2026-W50', '2027-W01')).toBe(true);
    expect(isDue('off', null, '2026-W49')).toBe(false);
  });
});

describe('unsubscribe signature', () => {
  const secret = 'a-secret-of-at-least-thirty-two-characters';
  const user = '0b6f1c2e-5d4a-4f7e-9a1b-2c3d4e5f6a7b';
  it('accepts its own signature and nothing else', () => {
    const sig = unsubscribeSignature(secret, user);
    expect(verifyUnsubscribe(secret, user, sig)).toBe(true);
    expect(verifyUnsubscribe('another-secret-of-thirty-two-characters!', user, sig)).toBe(false);
    expect(verifyUnsubscribe(secret, user.replace('0b', '0c'), sig)).toBe(false);
    expect(verifyUnsubscribe(secret, user, sig.slice(0, -1))).toBe(false);
    expect(verifyUnsubscribe(secret, user, undefined)).toBe(false);
    expect(verifyUnsubscribe(secret, 'not-a-uuid', sig)).toBe(false);
    expect(unsubscribeUrl('https://tandem.example', secret, user)).toBe(`https://tandem.example/abbestellen?u=${user}&s=${sig}`);
  });
});
