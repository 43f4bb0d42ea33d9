// The iCalendar part of workshop mails, built with ical-generator (no hand-rolled ICS): one stable UID per workshop,
// SEQUENCE raised on every change of date or place, times in Europe/Berlin with the zone's VTIMEZONE block.
import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import { DateTime } from 'luxon';
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
  organizer: { name: string; email: string };
  attendee?: { name: string; email: string };
  now?: Date;
}

export const workshopUid = (workshopId: string, domain: string) => `workshop-${workshopId}@${domain}`;

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
    organizer: i.organizer,
    attendees: i.attendee ? [{ name: i.attendee.name, email: i.attendee.email, rsvp: false }] : [],
  });
  // The event names TZID=Europe/Berlin; its definition comes from the maintained zone library, placed before the event.
  const [vtimezone] = tzlib_get_ical_block(WORKSHOP_TZ);
  return cal.toString().replace('BEGIN:VEVENT', `${vtimezone.trim().replace(/\r?\n/g, '\r\n')}\r\nBEGIN:VEVENT`);
}
