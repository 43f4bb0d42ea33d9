// Activity of a tandem and a town (issue 23): the meeting log's input rules, the silence reminders and dormancy.
// Pure: no Nest, no database; every rule takes the time it is judged at.
import type { TandemState } from './core/tandem-transitions.util';

export const MEETING_FORMATS = ['vor_ort', 'online', 'telefon'] as const;
export type MeetingFormat = (typeof MEETING_FORMATS)[number];
export const MEETING_FORMAT_DE: Record<MeetingFormat, string> = { vor_ort: 'vor Ort', online: 'online', telefon: 'Telefon' };
/** One line of notes. */
export const MEETING_NOTES_MAX = 300;
/** A meeting may be entered up to a month ahead (an agreed date), not further. */
export const MEETING_MAX_DAYS_AHEAD = 31;
/** …and not more than two years back (a mistyped year). */
const MEETING_MAX_DAYS_BACK = 2 * 365;
/** Meetings are logged from the office's approval on, while the tandem runs. */
export const MEETING_STATES: readonly TandemState[] = ['approved', 'active'];
/** After this many reminders without activity the tandem counts as "ruhend"; no further reminder follows. */
const SILENCE_REMINDERS_UNTIL_RESTING = 2;

const DAY_MS = 86_400_000;

export interface MeetingInput {
  date?: unknown;
  format?: unknown;
  notes?: unknown;
}
export interface Meeting {
  /** YYYY-MM-DD */
  metOn: string;
  format: MeetingFormat;
  notes: string;
}
export interface InputProblem {
  code: string;
  en: string;
  de: string;
  field: string;
}

/** YYYY-MM-DD of a real calendar day, as UTC midnight; null for anything else. */
export function parseDay(v: unknown): Date | null {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v.trim())) return null;
  const d = new Date(`${v.trim()}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== v.trim() ? null : d;
}

// Built once: constructing an Intl.DateTimeFormat costs far more than formatting with it (every tandem page asks).
const BERLIN_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The calendar day of `now` in Germany (where the towns are), as UTC midnight. */
export function dayInGermany(now: Date): Date {
  const ymd = BERLIN_DAY.format(now);
  return new Date(`${ymd}T00:00:00Z`);
}

/** 2027-03-12 → 12.03.2027 */
export const dayDe = (ymd: string) => `${ymd.slice(8, 10)}.${ymd.slice(5, 7)}.${ymd.slice(0, 4)}`;

/** Checks one meeting entry: a real date not far ahead or back, one of the formats, notes of at most one line. */
export function checkMeeting(input: MeetingInput, now: Date): { meeting: Meeting } | { problem: InputProblem } {
  const day = parseDay(input.date);
  if (!day)
    return {
      problem: {
        code: 'invalid_date',
        en: 'date must be a day as YYYY-MM-DD',
        de: 'Bitte geben Sie das Datum des Treffens an.',
        field: 'date',
      },
    };
  const offset = Math.round((day.getTime() - dayInGermany(now).getTime()) / DAY_MS);
  if (offset > MEETING_MAX_DAYS_AHEAD)
    return {
      problem: {
        code: 'date_too_far_ahead',
        en: `The meeting date may be at most ${MEETING_MAX_DAYS_AHEAD} days ahead`,
        de: `Das Datum liegt zu weit in der Zukunft. Tragen Sie Treffen höchstens ${MEETING_MAX_DAYS_AHEAD} Tage im Voraus ein.`,
        field: 'date',
      },
    };
  if (-offset > MEETING_MAX_DAYS_BACK)
    return {
      problem: {
        code: 'date_too_far_back',
        en: 'The meeting date may be at most two years back',
        de: 'Das Datum liegt mehr als zwei Jahre zurück. Bitte prüfen Sie das Jahr.',
        field: 'date',
      },
    };
  const format = typeof input.format === 'string' ? input.format.trim() : '';
  if (!(MEETING_FORMATS as readonly string[]).includes(format))
    return {
      problem: {
        code: 'invalid_format',
        en: `format must be one of ${MEETING_FORMATS.join(', ')}`,
        de: 'Bitte wählen Sie, wie Sie sich getroffen haben: vor Ort, online oder am Telefon.',
        field: 'format',
      },
    };
  if (input.notes != null && typeof input.notes !== 'string')
    return { problem: { code: 'invalid_text', en: 'notes must be text', de: 'Die Notiz muss Text sein.', field: 'notes' } };
  const notes = (input.notes ?? '').replace(/\s+/g, ' ').trim();
  if (notes.length > MEETING_NOTES_MAX)
    return {
      problem: {
        code: 'too_long',
        en: `notes are too long (${notes.length} characters, at most ${MEETING_NOTES_MAX})`,
        de: `Die Notiz ist zu lang (${notes.length} Zeichen, höchstens ${MEETING_NOTES_MAX}).`,
        field: 'notes',
      },
    };
  return { meeting: { metOn: day.toISOString().slice(0, 10), format: format as MeetingFormat, notes } };
}

/** What the hourly job keeps per tandem about its silence. */
export interface SilenceState {
  reminders: number;
  lastRemindedAt: Date | null;
  restingSince: Date | null;
}

export interface SilenceStep {
  /** There was activity after the last reminder: the count starts again and "ruhend" ends. */
  reset: boolean;
  /** A reminder is due now: the how-manieth in this silence, and whether the tandem rests from now on. */
  remind: { n: number; resting: boolean } | null;
  /** The state to keep afterwards. */
  next: SilenceState;
}

/**
 * One look at an active tandem's silence. `lastActivity`: its start, its newest meeting entry or the newest sign-in of
 * a contact of either town, whichever is latest. `weeks` of silence (since that activity, or since the last reminder)
 * bring a reminder; the second makes the tandem "ruhend" and no third follows. Activity after a reminder resets it all.
 */
export function silenceStep(lastActivity: Date, state: SilenceState | null, now: Date, weeks: number): SilenceStep {
  const s = state ?? { reminders: 0, lastRemindedAt: null, restingSince: null };
  const reset = !!s.lastRemindedAt && lastActivity.getTime() > s.lastRemindedAt.getTime() && (s.reminders > 0 || !!s.restingSince);
  const cur: SilenceState = reset ? { reminders: 0, lastRemindedAt: s.lastRemindedAt, restingSince: null } : s;
  const since = Math.max(lastActivity.getTime(), cur.reminders > 0 && cur.lastRemindedAt ? cur.lastRemindedAt.getTime() : -Infinity);
  if (cur.reminders >= SILENCE_REMINDERS_UNTIL_RESTING || now.getTime() - since < weeks * 7 * DAY_MS)
    return { reset, remind: null, next: cur };
  const n = cur.reminders + 1;
  const resting = n >= SILENCE_REMINDERS_UNTIL_RESTING;
  return { reset, remind: { n, resting }, next: { reminders: n, lastRemindedAt: now, restingSince: resting ? now : null } };
}

/** Whether a town silent since `lastActive` is dormant at `now` (`months` calendar months later or more). */
export function isDormant(lastActive: Date, now: Date, months: number): boolean {
  const due = new Date(lastActive);
  due.setUTCMonth(due.getUTCMonth() + months);
  return now.getTime() >= due.getTime();
}
