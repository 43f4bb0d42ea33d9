// The iCalendar part of workshop mails: one stable UID per workshop (src/common/berlin-time.util.ts builds the file).
import { meetingCalendar } from '../common/berlin-time.util';

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
  organizer: string;
  attendee?: { name: string; email: string };
  now?: Date;
}

export function workshopCalendar({ workshopId, domain, durationMinutes, ...i }: CalendarInput): string {
  return meetingCalendar({
    ...i,
    uid: `workshop-${workshopId}@${domain}`,
    endsAt: new Date(i.startsAt.getTime() + durationMinutes * 60_000),
  });
}
