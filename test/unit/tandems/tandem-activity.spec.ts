import { MailRenderer } from '../../../src/mail/mail-renderer';
import {
  checkMeeting,
  dayDe,
  isDormant,
  MEETING_MAX_DAYS_AHEAD,
  parseDay,
  silenceStep,
  SilenceState,
} from '../../../src/tandems/tandem-activity.util';

const DAY = 86_400_000;
const WEEK = 7 * DAY;
const t0 = new Date('2027-03-01T10:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

describe('meeting entries (issue 23)', () => {
  const now = new Date('2027-03-10T09:00:00Z');
  it('takes a real date, one of the three formats and one line of notes', () => {
    expect(checkMeeting({ date: '2027-03-08', format: 'online', notes: '  Leerstand:\n  Kataster  ' }, now)).toEqual({
      meeting: { metOn: '2027-03-08', format: 'online', notes: 'Leerstand: Kataster' },
    });
    expect(checkMeeting({ date: '2027-03-10', format: 'vor_ort' }, now)).toEqual({
      meeting: { metOn: '2027-03-10', format: 'vor_ort', notes: '' },
    });
  });
  it.each([
    [{ format: 'online' }, 'invalid_date', 'Bitte geben Sie das Datum des Treffens an.'],
    [{ date: '2027-02-30', format: 'online' }, 'invalid_date', 'Bitte geben Sie das Datum des Treffens an.'],
    [{ date: '10.03.2027', format: 'online' }, 'invalid_date', 'Bitte geben Sie das Datum des Treffens an.'],
    [{ date: '2027-05-01', format: 'online' }, 'date_too_far_ahead', 'Das Datum liegt zu weit in der Zukunft.'],
    [{ date: '2024-01-01', format: 'online' }, 'date_too_far_back', 'Das Datum liegt mehr als zwei Jahre zurück.'],
    [{ date: '2027-03-08', format: 'brief' }, 'invalid_format', 'vor Ort, online oder am Telefon'],
    [{ date: '2027-03-08', format: 'telefon', notes: 'x'.repeat(301) }, 'too_long', 'Die Notiz ist zu lang (301 Zeichen, höchstens 300).'],
    [{ date: '2027-03-08', format: 'telefon', notes: ['a'] }, 'invalid_text', 'Die Notiz muss Text sein.'],
  ])('refuses %j with a German and an English message', (input, code, de) => {
    const r = checkMeeting(input, now);
    expect('problem' in r && r.problem.code).toBe(code);
    if ('problem' in r) {
      expect(r.problem.de).toContain(de);
      expect(r.problem.en).toMatch(/^[\x20-\x7e]+$/);
    }
  });
  it('a planned meeting up to a month ahead is fine, the day after is not', () => {
    const ok = new Date(Date.UTC(2027, 2, 10) + MEETING_MAX_DAYS_AHEAD * DAY).toISOString().slice(0, 10);
    const late = new Date(Date.UTC(2027, 2, 10) + (MEETING_MAX_DAYS_AHEAD + 1) * DAY).toISOString().slice(0, 10);
    expect('meeting' in checkMeeting({ date: ok, format: 'online' }, now)).toBe(true);
    expect('problem' in checkMeeting({ date: late, format: 'online' }, now)).toBe(true);
  });
  it('dates', () => {
    expect(parseDay('2028-02-29')?.toISOString()).toBe('2028-02-29T00:00:00.000Z');
    expect(parseDay('2027-02-29')).toBeNull();
    expect(dayDe('2027-03-08')).toBe('08.03.2027');
  });
});

describe('silence (issue 23)', () => {
  const weeks = 8;
  const none: SilenceState | null = null;
  it('nothing before the configured weeks, then a reminder; the second makes the tandem "ruhend"; no third', () => {
    expect(silenceStep(t0, none, at(8 * WEEK - 1), weeks)).toEqual({
      reset: false,
      remind: null,
      next: { reminders: 0, lastRemindedAt: null, restingSince: null },
    });
    const first = silenceStep(t0, none, at(8 * WEEK), weeks);
    expect(first.remind).toEqual({ n: 1, resting: false });
    // The next weeks are counted from the first reminder.
    expect(silenceStep(t0, first.next, at(16 * WEEK - 1), weeks).remind).toBeNull();
    const second = silenceStep(t0, first.next, at(16 * WEEK), weeks);
    expect(second.remind).toEqual({ n: 2, resting: true });
    expect(second.next.restingSince).toEqual(at(16 * WEEK));
    const later = silenceStep(t0, second.next, at(60 * WEEK), weeks);
    expect(later.remind).toBeNull();
    expect(later.next.restingSince).toEqual(at(16 * WEEK));
  });
  it('activity after a reminder starts from zero and ends "ruhend"', () => {
    const resting: SilenceState = { reminders: 2, lastRemindedAt: at(16 * WEEK), restingSince: at(16 * WEEK) };
    const signedIn = at(17 * WEEK);
    const step = silenceStep(signedIn, resting, at(18 * WEEK), weeks);
    expect(step).toEqual({ reset: true, remind: null, next: { reminders: 0, lastRemindedAt: at(16 * WEEK), restingSince: null } });
    // A new silence: a first reminder again, 8 weeks after that sign-in.
    expect(silenceStep(signedIn, step.next, at(25 * WEEK), weeks).remind).toEqual({ n: 1, resting: false });
  });
  it('a recent activity means no reminder at all', () => {
    expect(silenceStep(at(7 * WEEK), none, at(8 * WEEK), weeks).remind).toBeNull();
  });
});

describe('dormancy (issue 23)', () => {
  it('after the configured calendar months', () => {
    const last = new Date('2027-01-31T12:00:00Z');
    expect(isDormant(last, new Date('2027-05-31T11:59:59Z'), 4)).toBe(false);
    expect(isDormant(last, new Date('2027-05-31T12:00:00Z'), 4)).toBe(true);
  });
});

describe('activity mails', () => {
  const r = new MailRenderer();
  const base = {
    displayName: 'Anna Beispiel',
    ownTown: 'Penkun',
    otherTown: 'Seelow',
    topicName: 'Leerstand',
    link: 'http://app.test/tandems/1234',
  };
  it.each([
    [{ weeks: 8, second: false }, 'Wie geht es Ihrem Tandem mit Seelow?', ['seit 8 Wochen kein Treffen eingetragen'], ['ruhend']],
    [{ weeks: 8, second: true }, 'Noch einmal: Wie geht es Ihrem Tandem mit Seelow?', ['zweite Nachfrage', '„ruhend“'], []],
  ])('tandem-silence %j', (extra, subject, has, hasNot) => {
    const m = r.render('tandem-silence', { ...base, ...extra });
    expect(m.subject).toBe(subject);
    expect(m.text.startsWith('Guten Tag Anna Beispiel,')).toBe(true);
    for (const t of has) expect(m.text).toContain(t);
    for (const t of hasNot) expect(m.text).not.toContain(t);
    expect(m.text).toContain('Zur Tandemseite: http://app.test/tandems/1234');
    expect(m.html).toContain('href="http://app.test/tandems/1234"');
    expect(m.text).not.toMatch(/undefined|null|\{\{/);
  });
  it('town-dormant', () => {
    const m = r.render('town-dormant', {
      displayName: 'Anna Beispiel',
      townName: 'Penkun',
      months: 4,
      link: 'http://app.test/anmelden?next=%2Fvorschlaege',
    });
    expect(m.subject).toBe('Wir vermissen Penkun bei Kleinstadt-Tandem');
    expect(m.text).toContain('seit mehr als 4 Monaten');
    expect(m.text).toContain('Melden Sie sich einfach an');
    expect(m.html).toContain('href="http://app.test/anmelden?next&#x3D;%2Fvorschlaege"'); // "=" escaped in the attribute
    expect(m.text).toContain('Anmelden und wieder mitmachen: http://app.test/anmelden?next=%2Fvorschlaege');
    expect(m.text).not.toMatch(/undefined|null|\{\{/);
  });
});
