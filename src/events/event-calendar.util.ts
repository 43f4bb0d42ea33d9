// The iCalendar part of event mails, built with ical-generator: one stable UID per event, SEQUENCE raised on every
// change of time or place (and on each cancelled registration), times in Europe/Berlin with the zone's VTIMEZONE block.
import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import { DateTime } from 'luxon';
import addressparser from 'nodemailer/lib/addressparser';
import { tzlib_get_ical_block } from 'timezones-ical-library';

const EVENT_TZ = 'Europe/Berlin';

export interface EventCalendarInput {
  eventId: string;
  /** Host part of the UID (the app's domain). */
  domain: string;
  sequence: number;
  /** REQUEST: a place (or its update); CANCEL: no longer; PUBLISH: an invitation to note the date, nobody registered yet. */
  method: 'REQUEST' | 'CANCEL' | 'PUBLISH';
  title: string;
  description: string;
  startsAt: Date;
  endsAt: Date;
  location: string;
  url: string;
  /** MAIL_REPLY_TO ("Name <addr>" or a bare address): ORGANIZER;CN=Name:mailto:addr. */
  organizer: string;
  attendee?: { name: string; email: string };
  now?: Date;
}

function organizerOf(mailbox: string): { name: string; email: string } {
  const [first] = addressparser(mailbox, { flatten: true });
  const email = first?.address?.trim();
  if (!email || !/^[^\s<>@]+@[^\s<>@]+$/.test(email)) throw new Error(`Not a mailbox: ${mailbox}`);
  return { name: first.name?.trim() || 'Geschäftsstelle Kleinstadt-Tandem', email };
}

const eventUid = (eventId: string, domain: string) => `event-${eventId}@${domain}`;

export function eventCalendar(i: EventCalendarInput): string {
  const cal = ical({
    prodId: { company: 'Kleinstadtakademie', product: 'Kleinstadt-Tandem', language: 'DE' },
    method: ICalCalendarMethod[i.method],
  });
  cal.createEvent({
    id: eventUid(i.eventId, i.domain),
    sequence: i.sequence,
    stamp: DateTime.fromJSDate(i.now ?? new Date()).toUTC(),
    start: DateTime.fromJSDate(i.startsAt).setZone(EVENT_TZ),
    end: DateTime.fromJSDate(i.endsAt).setZone(EVENT_TZ),
    timezone: EVENT_TZ,
    summary: i.title,
    description: i.description,
    location: i.location,
    url: i.url,
    status: i.method === 'CANCEL' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    organizer: organizerOf(i.organizer),
    attendees: i.attendee ? [{ name: i.attendee.name, email: i.attendee.email, rsvp: false }] : [],
  });
  const [vtimezone] = tzlib_get_ical_block(EVENT_TZ);
  // Every content line ends with CRLF (RFC 5545 3.1), the last one too; ical-generator leaves that one off.
  const body = cal.toString().replace('BEGIN:VEVENT', `${vtimezone.trim().replace(/\r?\n/g, '\r\n')}\r\nBEGIN:VEVENT`);
  return body.endsWith('\r\n') ? body : `${body}\r\n`;
}

/** "Donnerstag, 4. März 2027, 10:00 Uhr" in Europe/Berlin. */
export const formatBerlin = (d: Date): string =>
  DateTime.fromJSDate(d).setZone(EVENT_TZ).setLocale('de').toFormat("cccc, d. LLLL yyyy, HH:mm 'Uhr'");

/** "2027-03-04T10:00" (a form's local time) counts as Europe/Berlin; a value with Z or an offset stands as it is. */
export function parseBerlin(v: unknown): Date | null {
  if (typeof v !== 'string' || v.length > 40) return null;
  const dt = /([zZ]|[+-]\d\d:?\d\d)$/.test(v) ? DateTime.fromISO(v, { setZone: true }) : DateTime.fromISO(v, { zone: EVENT_TZ });
  return dt.isValid ? dt.toJSDate() : null;
}

/** The value of a datetime-local field for `d` in Berlin time. */
export const berlinInput = (d: Date): string => DateTime.fromJSDate(d).setZone(EVENT_TZ).toFormat("yyyy-LL-dd'T'HH:mm");
