// Dates of the network's meetings (workshops, events): Europe/Berlin, German wording, and their iCalendar files built
// with ical-generator (one stable UID per meeting, SEQUENCE raised on every change, the zone's VTIMEZONE block).
import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import { DateTime } from 'luxon';
import addressparser from 'nodemailer/lib/addressparser';
import { tzlib_get_ical_block } from 'timezones-ical-library';

const BERLIN_TZ = 'Europe/Berlin';

// Made once: a formatter per call (as luxon's toFormat builds) took a tenth of an office list page's CPU.
const BERLIN_PARTS = new Intl.DateTimeFormat('de-DE', {
  timeZone: BERLIN_TZ,
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** "Donnerstag, 4. März 2027, 10:00 Uhr" in Europe/Berlin. */
export function formatBerlin(d: Date): string {
  const p: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const { type, value } of BERLIN_PARTS.formatToParts(d)) p[type] = value;
  return `${p.weekday}, ${p.day}. ${p.month} ${p.year}, ${p.hour}:${p.minute} Uhr`;
}

/** "2027-03-04T10:00" (a form's local time) counts as Europe/Berlin; a value with Z or an offset stands as it is. */
export function parseBerlin(v: unknown): Date | null {
  if (typeof v !== 'string' || v.length > 40) return null;
  const dt = /([zZ]|[+-]\d\d:?\d\d)$/.test(v) ? DateTime.fromISO(v, { setZone: true }) : DateTime.fromISO(v, { zone: BERLIN_TZ });
  return dt.isValid ? dt.toJSDate() : null;
}

/** The value of a datetime-local field for `d` in Berlin time. */
export const berlinInput = (d: Date): string => DateTime.fromJSDate(d).setZone(BERLIN_TZ).toFormat("yyyy-LL-dd'T'HH:mm");

const ORGANIZER_FALLBACK_NAME = 'Geschäftsstelle Kleinstadt-Tandem';

/** Name and bare address of a mailbox ("Name <addr>" or "addr"); without a name, the Geschäftsstelle's. */
export function organizerOf(mailbox: string): { name: string; email: string } {
  const [first] = addressparser(mailbox, { flatten: true });
  const email = first?.address?.trim();
  if (!email || !/^[^\s<>@]+@[^\s<>@]+$/.test(email)) throw new Error(`Not a mailbox: ${mailbox}`);
  return { name: first.name?.trim() || ORGANIZER_FALLBACK_NAME, email };
}

export interface MeetingCalendarInput {
  /** Stable per meeting and installation, e.g. `workshop-<id>@<domain>`. */
  uid: string;
  sequence: number;
  /** REQUEST: a place (or its update); CANCEL: no longer; PUBLISH: a date to note, nobody registered yet. */
  method: 'REQUEST' | 'CANCEL' | 'PUBLISH';
  title: string;
  description: string;
  startsAt: Date;
  endsAt: Date;
  location: string;
  url: string;
  /**
   * The organiser as a mailbox, e.g. MAIL_REPLY_TO ("Geschäftsstelle Kleinstadt-Tandem <gs@example.org>") or a bare
   * address; it is split into CN and mailto (RFC 5545 3.8.4.3: ORGANIZER;CN=Name:mailto:addr).
   */
  organizer: string;
  attendee?: { name: string; email: string };
  now?: Date;
}

export function meetingCalendar(i: MeetingCalendarInput): string {
  const cal = ical({
    prodId: { company: 'Kleinstadtakademie', product: 'Kleinstadt-Tandem', language: 'DE' },
    method: ICalCalendarMethod[i.method],
  });
  cal.createEvent({
    id: i.uid,
    sequence: i.sequence,
    stamp: DateTime.fromJSDate(i.now ?? new Date()).toUTC(),
    start: DateTime.fromJSDate(i.startsAt).setZone(BERLIN_TZ),
    end: DateTime.fromJSDate(i.endsAt).setZone(BERLIN_TZ),
    timezone: BERLIN_TZ,
    summary: i.title,
    description: i.description,
    location: i.location,
    url: i.url,
    status: i.method === 'CANCEL' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    organizer: organizerOf(i.organizer),
    attendees: i.attendee ? [{ name: i.attendee.name, email: i.attendee.email, rsvp: false }] : [],
  });
  // The event names TZID=Europe/Berlin; its definition comes from the maintained zone library, placed before the event.
  const [vtimezone] = tzlib_get_ical_block(BERLIN_TZ);
  // Every content line ends with CRLF (RFC 5545 3.1), the last one too; ical-generator leaves that one off.
  const body = cal.toString().replace('BEGIN:VEVENT', `${vtimezone.trim().replace(/\r?\n/g, '\r\n')}\r\nBEGIN:VEVENT`);
  return body.endsWith('\r\n') ? body : `${body}\r\n`;
}
