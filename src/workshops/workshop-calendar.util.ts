// The iCalendar part of workshop mails, built with ical-generator (no hand-rolled ICS): one stable UID per workshop,
// SEQUENCE raised on every change of date or place, times in Europe/Berlin with the zone's VTIMEZONE block.
import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import { DateTime } from 'luxon';
import addressparser from 'nodemailer/lib/addressparser';
import { tzlib_get_ical_block } from 'timezones-ical-library';

export const WORKSHOP_TZ = 'Europe/Berlin';

export interface CalendarInput {
  workshopId: string;
  /** Host part of the UID (the app's domain), so UIDs stay unique across installations. */
  domain: string;
  sequence: number;
  method: 'REQUEST' | 'CANCEL';
  title: string;
  description: string;
  startsAt: Date;
  durationMinutes: number;
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

const ORGANIZER_FALLBACK_NAME = 'Geschäftsstelle Kleinstadt-Tandem';

/** Name and bare address of a mailbox ("Name <addr>" or "addr"); without a name, the Geschäftsstelle's. */
export function organizerOf(mailbox: string): { name: string; email: string } {
  const [first] = addressparser(mailbox, { flatten: true });
  const email = first?.address?.trim();
  if (!email || !/^[^\s<>@]+@[^\s<>@]+$/.test(email)) throw new Error(`Not a mailbox: ${mailbox}`);
  return { name: first.name?.trim() || ORGANIZER_FALLBACK_NAME, email };
}

const workshopUid = (workshopId: string, domain: string) => `workshop-${workshopId}@${domain}`;

export function workshopCalendar(i: CalendarInput): string {
  const cal = ical({
    prodId: { company: 'Kleinstadtakademie', product: 'Kleinstadt-Tandem', language: 'DE' },
    method: i.method === 'CANCEL' ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.REQUEST,
  });
  const start = DateTime.fromJSDate(i.startsAt).setZone(WORKSHOP_TZ);
  cal.createEvent({
    id: workshopUid(i.workshopId, i.domain),
    sequence: i.sequence,
    stamp: DateTime.fromJSDate(i.now ?? new Date()).toUTC(),
    start,
    end: start.plus({ minutes: i.durationMinutes }),
    timezone: WORKSHOP_TZ,
    summary: i.title,
    description: i.description,
    location: i.location,
    url: i.url,
    status: i.method === 'CANCEL' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    organizer: organizerOf(i.organizer),
    attendees: i.attendee ? [{ name: i.attendee.name, email: i.attendee.email, rsvp: false }] : [],
  });
  // The event names TZID=Europe/Berlin; its definition comes from the maintained zone library, placed before the event.
  const [vtimezone] = tzlib_get_ical_block(WORKSHOP_TZ);
  // Every content line ends with CRLF (RFC 5545 3.1), the last one too; ical-generator leaves that one off.
  const body = cal.toString().replace('BEGIN:VEVENT', `${vtimezone.trim().replace(/\r?\n/g, '\r\n')}\r\nBEGIN:VEVENT`);
  return body.endsWith('\r\n') ? body : `${body}\r\n`;
}
