// What the office enters for an event, checked once for the API and the pages: English and German messages, the field.
import { HttpStatus } from '@nestjs/common';
import { DomainError } from '../common/domain-error';
import { SIZE_CLASSES } from '../municipalities/size-class.util';
import { EVENT_FORMATS, EVENT_KINDS, EventFormat, EventKind, REASON_MAX_LENGTH, TEXT_MAX_LENGTH } from './core/event-transitions.util';
import { parseBerlin } from '../common/berlin-time.util';
import type { EventFields, EventRow } from './event.repository';

export const badRequest = (code: string, en: string, de: string, field?: string) =>
  new DomainError(HttpStatus.BAD_REQUEST, code, en, de, field);

/** The raw input of the create and edit forms and of the API's DTOs. */
export interface EventInput {
  kind?: unknown;
  title?: unknown;
  description?: unknown;
  format?: unknown;
  address?: unknown;
  onlineLink?: unknown;
  startsAt?: unknown;
  endsAt?: unknown;
  registrationDeadline?: unknown;
  placesTotal?: unknown;
  placesPerTown?: unknown;
  topics?: unknown;
  targetStates?: unknown;
  targetSizeClasses?: unknown;
  targetTopics?: unknown;
}

export interface Vocabulary {
  topics: ReadonlySet<string>;
  states: ReadonlySet<string>;
}

export function text(v: unknown, max: number, field: string, en: string, de: string): string {
  if (v == null) return '';
  if (typeof v !== 'string') throw badRequest('invalid_text', `${en} must be text`, `${de} muss Text sein.`, field);
  const s = v.trim();
  if (s.length > max)
    throw badRequest(
      'too_long',
      `${en} is too long (${s.length} characters, at most ${max})`,
      `${de} ist zu lang (${s.length} Zeichen, höchstens ${max}).`,
      field,
    );
  return s;
}

export const reasonText = (v: unknown) => text(v, REASON_MAX_LENGTH, 'reason', 'The reason', 'Die Begründung');
export const resultText = (v: unknown) => text(v, TEXT_MAX_LENGTH, 'resultSummary', 'The results', 'Die Ergebnisse');

function date(v: unknown, field: string, en: string, de: string): Date {
  const d = parseBerlin(v);
  if (!d)
    throw badRequest('invalid_date', `${en} must be a date and time (ISO 8601)`, `Bitte geben Sie ${de} an (Datum und Uhrzeit).`, field);
  return d;
}

function places(v: unknown, field: string, optional: boolean): number | null {
  if (optional && (v == null || v === '')) return null;
  const n = typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 10000)
    throw badRequest(
      'invalid_places',
      `${field} must be a whole number from 1 to 10000`,
      'Die Zahl der Plätze muss eine ganze Zahl von 1 bis 10.000 sein.',
      field,
    );
  return n;
}

function list(v: unknown, allowed: ReadonlySet<string>, field: string, de: string): string[] {
  const raw = v == null || v === '' ? [] : Array.isArray(v) ? v : [v];
  if (raw.length > 30 || raw.some((x) => typeof x !== 'string' || !allowed.has(x)))
    throw badRequest('invalid_choice', `${field} must list known values`, `Bitte wählen Sie ${de} aus der Liste.`, field);
  return [...new Set(raw as string[])];
}

/**
 * The event's fields from a complete form (create) or the changed ones over `current` (edit): every rule checked on
 * the result (end after start, deadline not after the start, the place the format needs, the per-town places within
 * the total).
 */
export function parseEventInput(input: EventInput, vocab: Vocabulary, current: EventFields | null): EventFields {
  const has = (k: keyof EventInput) =>
    input[k] !== undefined && !(current && input[k] === '' && k !== 'placesPerTown' && k !== 'description');
  const f: EventFields = current
    ? { ...current }
    : {
        kind: 'erfahrungswerkstatt',
        title: '',
        description: '',
        format: 'in_person',
        address: '',
        onlineLink: '',
        startsAt: new Date(NaN),
        endsAt: new Date(NaN),
        registrationDeadline: new Date(NaN),
        placesTotal: 0,
        placesPerTown: null,
        topics: [],
        targetStates: [],
        targetSizeClasses: [],
        targetTopics: [],
      };
  if (has('kind') || !current) {
    if (!EVENT_KINDS.includes(input.kind as EventKind))
      throw badRequest(
        'invalid_kind',
        `kind must be one of ${EVENT_KINDS.join(', ')}`,
        'Bitte wählen Sie die Art der Veranstaltung.',
        'kind',
      );
    f.kind = input.kind as EventKind;
  }
  if (has('title') || !current) {
    f.title = text(input.title, 200, 'title', 'The title', 'Der Titel');
    if (f.title.length < 3)
      throw badRequest('title_required', 'The title needs at least 3 characters', 'Der Titel braucht mindestens 3 Zeichen.', 'title');
  }
  if (input.description !== undefined)
    f.description = text(input.description, TEXT_MAX_LENGTH, 'description', 'The description', 'Die Beschreibung');
  if (has('format') || !current) {
    if (!EVENT_FORMATS.includes(input.format as EventFormat))
      throw badRequest(
        'invalid_format',
        'format must be in_person, online or hybrid',
        'Bitte wählen Sie „vor Ort“, „online“ oder „beides“.',
        'format',
      );
    f.format = input.format as EventFormat;
  }
  if (input.address !== undefined) f.address = text(input.address, 500, 'address', 'The address', 'Die Adresse');
  if (input.onlineLink !== undefined) f.onlineLink = text(input.onlineLink, 500, 'onlineLink', 'The link', 'Der Link');
  if (has('startsAt') || !current) f.startsAt = date(input.startsAt, 'startsAt', 'startsAt', 'den Beginn');
  if (has('endsAt') || !current) f.endsAt = date(input.endsAt, 'endsAt', 'endsAt', 'das Ende');
  if (has('registrationDeadline') || !current)
    f.registrationDeadline = date(input.registrationDeadline, 'registrationDeadline', 'registrationDeadline', 'den Anmeldeschluss');
  if (has('placesTotal') || !current) f.placesTotal = places(input.placesTotal, 'placesTotal', false)!;
  if (input.placesPerTown !== undefined) f.placesPerTown = places(input.placesPerTown, 'placesPerTown', true);
  if (input.topics !== undefined) f.topics = list(input.topics, vocab.topics, 'topics', 'die Themen');
  if (input.targetTopics !== undefined)
    f.targetTopics = list(input.targetTopics, vocab.topics, 'targetTopics', 'die Themen der Zielgruppe');
  if (input.targetStates !== undefined) f.targetStates = list(input.targetStates, vocab.states, 'targetStates', 'die Länder');
  if (input.targetSizeClasses !== undefined)
    f.targetSizeClasses = list(input.targetSizeClasses, new Set(SIZE_CLASSES.map((c) => c.key)), 'targetSizeClasses', 'die Größenklassen');
  checkRules(f);
  return f;
}

function checkRules(f: EventFields): void {
  if (f.endsAt.getTime() <= f.startsAt.getTime())
    throw badRequest('end_before_start', 'The end must be after the start', 'Das Ende muss nach dem Beginn liegen.', 'endsAt');
  if (f.registrationDeadline.getTime() > f.startsAt.getTime())
    throw badRequest(
      'deadline_after_start',
      'The registration deadline must not be after the start',
      'Der Anmeldeschluss darf nicht nach dem Beginn liegen.',
      'registrationDeadline',
    );
  if (f.placesPerTown !== null && f.placesPerTown > f.placesTotal)
    throw badRequest(
      'invalid_places',
      'placesPerTown must not exceed placesTotal',
      'Die Plätze je Kommune dürfen nicht mehr sein als die Plätze insgesamt.',
      'placesPerTown',
    );
  if (f.format !== 'online' && f.address.length < 5)
    throw badRequest('place_required', 'An event on site needs an address', 'Eine Veranstaltung vor Ort braucht eine Adresse.', 'address');
  if (f.format !== 'in_person' && !/^https:\/\/\S+$/.test(f.onlineLink))
    throw badRequest(
      'link_required',
      'An online event needs an https link',
      'Eine Online-Veranstaltung braucht einen Link (https://…).',
      'onlineLink',
    );
}

/** The future: an event is published only with its start and deadline ahead. */
export function checkAhead(f: EventFields, now: Date): void {
  if (f.startsAt.getTime() <= now.getTime())
    throw badRequest('date_in_past', 'The start must be in the future', 'Der Beginn muss in der Zukunft liegen.', 'startsAt');
  if (f.registrationDeadline.getTime() <= now.getTime())
    throw badRequest(
      'deadline_in_past',
      'The registration deadline must be in the future',
      'Der Anmeldeschluss muss in der Zukunft liegen.',
      'registrationDeadline',
    );
}

/** The fields of an event as the forms edit them. */
export const fieldsOf = (e: EventRow): EventFields => ({
  kind: e.kind,
  title: e.title,
  description: e.description,
  format: e.format,
  address: e.address,
  onlineLink: e.onlineLink,
  startsAt: e.startsAt,
  endsAt: e.endsAt,
  registrationDeadline: e.registrationDeadline,
  placesTotal: e.placesTotal,
  placesPerTown: e.placesPerTown,
  topics: e.topics,
  targetStates: e.targetStates,
  targetSizeClasses: e.targetSizeClasses,
  targetTopics: e.targetTopics,
});
