import { parseBerlin } from '../common/berlin-time.util';
import { isUuid } from '../common/input.util';
import { optionalText } from '../common/text-input.util';
import { WorkshopErrors } from './workshop-errors';
import { RESULT_MAX_LENGTH, WORKSHOP_FORMATS, WorkshopFormat } from './workshop-transitions.util';
import type { InvitationRow, WorkshopPatch, WorkshopRow } from './workshop.repository';

export interface WorkshopEdit {
  title?: unknown;
  startsAt?: unknown;
  durationMinutes?: unknown;
  format?: unknown;
  hostTownId?: unknown;
  address?: unknown;
  onlineLink?: unknown;
}

export interface WorkshopResultInput {
  presented?: unknown;
  willTry?: unknown;
  topics?: unknown;
}

const HTTPS_LINK = /^https:\/\/\S+$/;

export const titleText = (v: unknown) => optionalText(v, 200, 'title', 'The title', 'Der Titel');

/** The editor's fields as a patch (only those sent), or a 400 naming the first bad one. */
export function parseEdit(input: WorkshopEdit, now: Date): WorkshopPatch {
  const patch: WorkshopPatch = {};
  if (input.title !== undefined) {
    const title = titleText(input.title);
    if (title.length < 3) throw WorkshopErrors.titleRequired();
    patch.title = title;
  }
  if (input.startsAt !== undefined && input.startsAt !== '') {
    const d = parseBerlin(input.startsAt);
    if (!d) throw WorkshopErrors.invalidDate();
    if (d.getTime() <= now.getTime()) throw WorkshopErrors.dateInPast();
    patch.startsAt = d;
  }
  if (input.durationMinutes !== undefined && input.durationMinutes !== '') {
    const n = Number(input.durationMinutes);
    if (!Number.isInteger(n) || n < 15 || n > 1440) throw WorkshopErrors.invalidDuration();
    patch.durationMinutes = n;
  }
  if (input.format !== undefined) {
    if (!WORKSHOP_FORMATS.includes(input.format as WorkshopFormat)) throw WorkshopErrors.invalidFormat();
    patch.format = input.format as WorkshopFormat;
  }
  if (input.hostTownId !== undefined) {
    if (input.hostTownId !== null && typeof input.hostTownId !== 'string') throw WorkshopErrors.invalidHost();
    const v = input.hostTownId || null;
    if (v && !isUuid(v)) throw WorkshopErrors.invalidHost();
    patch.hostTownId = v;
  }
  if (input.address !== undefined) patch.address = optionalText(input.address, 500, 'address', 'The address', 'Die Adresse');
  if (input.onlineLink !== undefined) {
    const link = optionalText(input.onlineLink, 500, 'onlineLink', 'The link', 'Der Link');
    if (link && !HTTPS_LINK.test(link)) throw WorkshopErrors.invalidLink();
    patch.onlineLink = link;
  }
  return patch;
}

/** What a documented workshop records; `known` are the catalogue's topic slugs. */
export function parseWorkshopResult(
  r: WorkshopResultInput,
  known: ReadonlySet<string>,
): { presented: string; willTry: string; topics: string[] } {
  const presented = optionalText(r.presented, RESULT_MAX_LENGTH, 'presented', 'What was presented', 'Was vorgestellt wurde');
  const willTry = optionalText(r.willTry, RESULT_MAX_LENGTH, 'willTry', 'What towns will try', 'Was die Kommunen ausprobieren wollen');
  if (presented.length < 3 || willTry.length < 3) throw WorkshopErrors.resultRequired();
  const raw = r.topics == null ? [] : Array.isArray(r.topics) ? (r.topics as unknown[]) : [r.topics];
  const topics = [...new Set(raw.map(String))];
  if (topics.length > 10 || topics.some((t) => !known.has(t))) throw WorkshopErrors.unknownResultTopic();
  return { presented, willTry, topics };
}

/** Date in the future, and a place: host town and address in person, a link online. */
export function checkSchedule(w: WorkshopRow, now: Date): void {
  if (!w.startsAt) throw WorkshopErrors.dateRequired();
  if (w.startsAt.getTime() <= now.getTime()) throw WorkshopErrors.dateInPast();
  if (w.format === 'in_person' && (!w.hostTownId || w.address.length < 5)) throw WorkshopErrors.placeRequired();
  if (w.format === 'online' && !HTTPS_LINK.test(w.onlineLink)) throw WorkshopErrors.linkRequired();
}

/** The name of an invited (not withdrawn, not declined) town from the same Land as `town`, or null. */
export function sameLandAs(town: { id: string; stateName: string; stateCode?: string }, live: InvitationRow[]): string | null {
  const other = live.find(
    (i) =>
      i.townId !== town.id &&
      (i.state === 'invited' || i.state === 'accepted') &&
      (town.stateCode ? i.stateCode === town.stateCode : i.stateName === town.stateName),
  );
  return other?.name ?? null;
}
