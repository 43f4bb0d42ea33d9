import type { ParsedMail } from 'mailparser';
import * as ical from 'node-ical';
import { MatchingService } from '../../src/matching/matching.service';
import { MatchingRunner } from '../../src/matching/runs/matching-runner.service';
import { TestApp } from '../utils/boot-app';

/** A workshops run for `theme`, computed in the worker's services directly (the queue path has its own test). */
export async function computeWorkshops(t: TestApp, theme: string, seed = 7): Promise<string> {
  const id = await t.worker.get(MatchingService).startRunRow('workshops', 'test', { theme, seed });
  await t.worker.get(MatchingRunner).execute(id);
  return id;
}

export const recipientsOf = (m: ParsedMail) => [m.to].flat().flatMap((x) => x?.value.map((v) => v.address ?? '') ?? []);

/** The mail's iCalendar part parsed with node-ical: METHOD, UID, SEQUENCE, start and status of its one event. */
export function calendarOf(m: ParsedMail) {
  const part = m.attachments.find((a) => a.contentType.startsWith('text/calendar'));
  if (!part) return null;
  const raw = part.content.toString('utf8');
  const parsed = ical.sync.parseICS(raw);
  const event = Object.values(parsed).find((c): c is ical.VEvent => c?.type === 'VEVENT');
  const tz = Object.values(parsed).find((c) => c?.type === 'VTIMEZONE') as { tzid?: string } | undefined;
  const method = /^METHOD:(\w+)/m.exec(raw)?.[1];
  return {
    raw,
    method,
    uid: event?.uid,
    sequence: Number(event?.sequence),
    start: event?.start ? new Date(event.start) : null,
    status: event?.status,
    tzid: tz?.tzid,
    contentType: part.contentType,
  };
}
