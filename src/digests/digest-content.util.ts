import type { DigestFrequency } from '../auth/user.repository';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { isUuid } from '../common/input.util';

// Pure digest logic: periods (ISO weeks), who is due, which items are new, German subject, unsubscribe signatures.

export const DIGEST_FREQUENCIES: readonly DigestFrequency[] = ['weekly', 'biweekly', 'monthly', 'off'];
export const FREQUENCY_LABELS: Record<DigestFrequency, string> = {
  weekly: 'wöchentlich',
  biweekly: 'alle zwei Wochen',
  monthly: 'monatlich (alle vier Wochen)',
  off: 'keine Übersicht per E-Mail',
};
const WEEKS_BETWEEN: Record<Exclude<DigestFrequency, 'off'>, number> = { weekly: 1, biweekly: 2, monthly: 4 };

/** One line of a section; `key` identifies the thing (e.g. "suggestion:<town id>") so it is mailed once. */
export interface DigestItem {
  key: string;
  title: string;
  detail?: string;
  reasons?: string;
  /** The reasons as a list, one line each (a suggestion: the topic, then "– <reason> (40 %)" per criterion); mails and pages prefer it to `reasons`. */
  reasonLines?: string[];
}

/** A block of the digest. Providers (suggestions, new towns, tandem requests …) each return one. */
export interface DigestSection {
  key: string;
  title: string;
  intro: string;
  items: DigestItem[];
  link?: { url: string; text: string };
  /** What the subject line says about it, e.g. n => `${n} neue Partnervorschläge`. */
  summary: string;
}

export interface ComposedDigest {
  sections: DigestSection[];
  itemKeys: string[];
  subject: string;
}

/** Drops items that an earlier digest already carried and sections left empty; null when nothing is new. */
export function composeDigest(
  sections: readonly DigestSection[],
  alreadyMailed: ReadonlySet<string>,
  townName: string,
): ComposedDigest | null {
  const kept: DigestSection[] = [];
  for (const s of sections) {
    const items = s.items.filter((i) => !alreadyMailed.has(i.key));
    if (items.length) kept.push({ ...s, items, summary: summaryFor(s.key, items.length, s.summary) });
  }
  if (!kept.length) return null;
  return {
    sections: kept,
    itemKeys: kept.flatMap((s) => s.items.map((i) => i.key)),
    subject: `Neu für ${townName}: ${joinGerman(kept.map((s) => s.summary))}`,
  };
}

const SUMMARIES: Record<string, [string, string]> = {
  suggestions: ['ein neuer Partnervorschlag', '# neue Partnervorschläge'],
  'new-towns': ['eine neue Kommune zu Ihren Themen', '# neue Kommunen zu Ihren Themen'],
  'tandem-requests': ['eine Tandem-Anfrage wartet auf Ihre Antwort', '# Tandem-Anfragen warten auf Ihre Antwort'],
  'tandem-states': ['Neues zu einem Ihrer Tandems', 'Neues zu # Ihrer Tandems'],
  'workshop-invitations': ['eine Einladung zu einer Transferwerkstatt', '# Einladungen zu Transferwerkstätten'],
  'new-examples': ['ein neues Beispiel zu Ihren Herausforderungen', '# neue Beispiele zu Ihren Herausforderungen'],
  events: ['eine passende Veranstaltung', '# passende Veranstaltungen'],
};

function summaryFor(key: string, n: number, fallback: string): string {
  const forms = SUMMARIES[key];
  if (!forms) return fallback;
  return n === 1 ? forms[0] : forms[1].replace('#', String(n));
}

/** "a", "a und b", "a, b und c". */
export function joinGerman(parts: readonly string[]): string {
  if (parts.length <= 1) return parts[0] ?? '';
  return `${parts.slice(0, -1).join(', ')} und ${parts[parts.length - 1]}`;
}

/** Why nothing was sent, for the run's record. */
export const SKIP_REASONS = {
  nothingNew: 'nichts Neues seit der letzten Übersicht',
  off: 'Übersicht abbestellt',
  notVerified: 'Kommune nicht (mehr) freigeschaltet',
  gone: 'Ansprechperson nicht mehr vorhanden',
} as const;

// ---- ISO weeks ----

// Building an Intl formatter is expensive (it showed up in the digest benchmark's profile): one per time zone.
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar date (y, m, d) of an instant in a time zone. */
function localDate(at: Date, timeZone: string): { y: number; m: number; d: number } {
  if (timeZone === 'UTC') return { y: at.getUTCFullYear(), m: at.getUTCMonth() + 1, d: at.getUTCDate() };
  let f = formatters.get(timeZone);
  if (!f) formatters.set(timeZone, (f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  const parts = f.formatToParts(at);
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  return { y: get('year'), m: get('month'), d: get('day') };
}

/** ISO week ("2026-W49") that contains the instant, as seen in the time zone. */
export function isoWeekOf(at: Date, timeZone = 'Europe/Berlin'): string {
  const { y, m, d } = localDate(at, timeZone);
  const date = new Date(Date.UTC(y, m - 1, d));
  const dow = date.getUTCDay() || 7;
  date.setUTCDate(date.getUTCDate() + 4 - dow); // the Thursday of this week decides the year
  const year = date.getUTCFullYear();
  const week = Math.ceil(((date.getTime() - Date.UTC(year, 0, 1)) / 86_400_000 + 1) / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** Parses "2026-W49" (also from <input type="week">); null when it is no real ISO week. */
export function parseIsoWeek(s: unknown): { year: number; week: number } | null {
  const m = typeof s === 'string' ? /^(\d{4})-W(\d{2})$/.exec(s.trim()) : null;
  if (!m) return null;
  const year = Number(m[1]);
  const week = Number(m[2]);
  if (year < 2000 || year > 2100 || week < 1 || week > weeksInYear(year)) return null;
  return { year, week };
}

function weeksInYear(year: number): number {
  // A year has 53 ISO weeks when 28 December falls in week 53.
  return isoWeekOf(new Date(Date.UTC(year, 11, 28, 12)), 'UTC') === `${year}-W53` ? 53 : 52;
}

/** Monday of the ISO week as a UTC date (midnight). */
export function mondayOf(period: string): Date {
  const p = parseIsoWeek(period);
  if (!p) throw new Error(`Not an ISO week: ${period}`);
  const jan4 = new Date(Date.UTC(p.year, 0, 4));
  const monday1 = new Date(jan4.getTime() - ((jan4.getUTCDay() || 7) - 1) * 86_400_000);
  return new Date(monday1.getTime() + (p.week - 1) * 7 * 86_400_000);
}

export const weeksBetween = (from: string, to: string) =>
  Math.round((mondayOf(to).getTime() - mondayOf(from).getTime()) / (7 * 86_400_000));

/** "KW 49/2026, 30.11.–6.12.2026" for pages and the email (no parentheses: the mail puts the label in its own). */
export function periodLabel(period: string): string {
  const mon = mondayOf(period);
  const sun = new Date(mon.getTime() + 6 * 86_400_000);
  const f = (d: Date, withYear: boolean) => `${d.getUTCDate()}.${d.getUTCMonth() + 1}.${withYear ? d.getUTCFullYear() : ''}`;
  const p = parseIsoWeek(period)!;
  return `KW ${p.week}/${p.year}, ${f(mon, false)}–${f(sun, true)}`;
}

/** Is a digest due for this period, given the contact's rhythm and the period of their last mailed digest? */
export function isDue(frequency: DigestFrequency, lastMailedPeriod: string | null, period: string): boolean {
  if (frequency === 'off') return false;
  if (!lastMailedPeriod) return true;
  return weeksBetween(lastMailedPeriod, period) >= WEEKS_BETWEEN[frequency];
}

// ---- one-click unsubscribe ----

const sign = (secret: string, userId: string) => createHmac('sha256', secret).update(`digest-unsubscribe:${userId}`).digest('base64url');

export function unsubscribeSignature(secret: string, userId: string): string {
  return sign(secret, userId);
}

/** Constant-time check of a link's signature. */
export function verifyUnsubscribe(secret: string, userId: unknown, signature: unknown): boolean {
  if (typeof userId !== 'string' || typeof signature !== 'string' || !isUuid(userId)) return false;
  const expected = Buffer.from(sign(secret, userId));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export function unsubscribeUrl(appUrl: string, secret: string, userId: string): string {
  return `${appUrl}/abbestellen?u=${userId}&s=${unsubscribeSignature(secret, userId)}`;
}
