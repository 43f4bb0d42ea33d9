// The iCalendar part of event mails: one stable UID per event, SEQUENCE raised on every change of time or place (and on
// each cancelled registration); src/common/berlin-time.util.ts builds the file.
import { meetingCalendar, type MeetingCalendarInput } from '../common/berlin-time.util';

export type EventCalendarInput = Omit<MeetingCalendarInput, 'uid'> & {
  eventId: string;
  /** Host part of the UID (the app's domain). */
  domain: string;
};

export function eventCalendar({ eventId, domain, ...i }: EventCalendarInput): string {
  return meetingCalendar({ ...i, uid: `event-${eventId}@${domain}` });
}
