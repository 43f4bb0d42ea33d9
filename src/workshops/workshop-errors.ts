import { HttpStatus } from '@nestjs/common';
import { DomainError, townNotFound } from '../common/domain-error';
import type { RuleViolation } from './workshop-rules.util';
import { MAX_TOWNS } from './workshop-rules.util';
import { MIN_ACCEPTED, WorkshopTransitionError } from './workshop-transitions.util';

// The workshop rules' refusals in one catalogue: a stable code, English for the API, German for the pages.
const error = (status: HttpStatus, code: string, en: string, de: string, field?: string) => new DomainError(status, code, en, de, field);
const conflict = (code: string, en: string, de: string) => error(HttpStatus.CONFLICT, code, en, de);
const badRequest = (code: string, en: string, de: string, field: string) => error(HttpStatus.BAD_REQUEST, code, en, de, field);
const invalidHost = () =>
  badRequest('invalid_town', 'hostTownId must be a town id', 'Bitte wählen Sie eine gastgebende Kommune.', 'hostTownId');
const dateInPast = () => badRequest('date_in_past', 'The date must be in the future', 'Das Datum muss in der Zukunft liegen.', 'startsAt');

export const WorkshopErrors = {
  workshopNotFound: () => error(HttpStatus.NOT_FOUND, 'workshop_not_found', 'Workshop not found', 'Diese Werkstatt gibt es nicht.'),
  townNotFound,
  invalidRun: () => badRequest('invalid_run', 'runId must be a uuid', 'Dieser Werkstatt-Vorschlag wurde nicht gefunden.', 'runId'),
  invalidGroup: (max: number) =>
    badRequest(
      'invalid_group',
      `groupNo must be a whole number from 1 to ${max}`,
      `Die Gruppennummer muss eine ganze Zahl von 1 bis ${max} sein.`,
      'groupNo',
    ),
  groupNotFound: () =>
    error(
      HttpStatus.NOT_FOUND,
      'group_not_found',
      'This group is not part of that workshop proposal',
      'Diese Gruppe gehört nicht zu dem Werkstatt-Vorschlag.',
    ),
  unknownTheme: () => badRequest('unknown_topic', 'Choose a theme from the list', 'Bitte wählen Sie ein Thema aus der Liste.', 'theme'),
  unknownHost: () =>
    badRequest('unknown_town', 'The host town does not exist', 'Die gastgebende Kommune wurde nicht gefunden.', 'hostTownId'),
  invalidTown: () => badRequest('invalid_town', 'townId must be a town id (uuid)', 'Bitte wählen Sie eine Kommune aus.', 'townId'),
  alreadyInvited: (name: string) => conflict('already_invited', `${name} is already invited`, `${name} ist bereits eingeladen.`),
  groupFull: () =>
    conflict(
      'group_full',
      `A workshop has at most ${MAX_TOWNS} towns; withdraw an invitation first`,
      `Eine Werkstatt hat höchstens ${MAX_TOWNS} Kommunen; nehmen Sie zuerst eine Einladung zurück.`,
    ),
  sameLand: (name: string, other: string, land: string) =>
    conflict(
      'same_state',
      `Towns must come from different states: ${other} from ${land} is invited already`,
      `Die Kommunen sollen aus verschiedenen Bundesländern kommen: ${other} aus ${land} ist bereits eingeladen. Nehmen Sie zuerst deren Einladung zurück, wenn ${name} an ihre Stelle treten soll.`,
    ),
  invitationNotFound: () =>
    error(HttpStatus.NOT_FOUND, 'invitation_not_found', 'This town is not invited', 'Diese Kommune ist nicht eingeladen.'),
  notTownContact: () =>
    error(
      HttpStatus.FORBIDDEN,
      'not_a_town_contact',
      'Only a contact of an invited town can answer',
      'Nur Ansprechpersonen einer eingeladenen Kommune können antworten.',
    ),
  reasonRequired: () =>
    badRequest(
      'reason_required',
      'Please give a reason (at least 3 characters)',
      'Bitte geben Sie eine kurze Begründung an (mindestens 3 Zeichen).',
      'reason',
    ),
  tooFewAccepted: (accepted: number) =>
    conflict(
      'too_few_accepted',
      `A workshop needs at least ${MIN_ACCEPTED} accepted towns to be confirmed; ${accepted} accepted so far`,
      `Für die Bestätigung braucht es mindestens ${MIN_ACCEPTED} Zusagen; bisher sind es ${accepted}.`,
    ),
  dateRequired: () =>
    badRequest('date_required', 'Set the date and time first', 'Bitte legen Sie zuerst Datum und Uhrzeit fest.', 'startsAt'),
  dateInPast,
  placeRequired: () =>
    badRequest(
      'place_required',
      'An in-person workshop needs a host town and an address',
      'Eine Werkstatt vor Ort braucht eine gastgebende Kommune und eine Adresse.',
      'address',
    ),
  linkRequired: () =>
    badRequest(
      'link_required',
      'An online workshop needs an https link',
      'Eine Online-Werkstatt braucht einen Link (https://…).',
      'onlineLink',
    ),
  titleRequired: () =>
    badRequest('title_required', 'The title needs at least 3 characters', 'Der Titel braucht mindestens 3 Zeichen.', 'title'),
  invalidDate: () =>
    badRequest('invalid_date', 'startsAt must be a date and time (ISO 8601)', 'Bitte geben Sie Datum und Uhrzeit an.', 'startsAt'),
  invalidDuration: () =>
    badRequest(
      'invalid_duration',
      'durationMinutes must be a whole number from 15 to 1440',
      'Die Dauer muss zwischen 15 und 1440 Minuten liegen.',
      'durationMinutes',
    ),
  invalidFormat: () =>
    badRequest('invalid_format', 'format must be in_person or online', 'Bitte wählen Sie „vor Ort“ oder „online“.', 'format'),
  invalidHost,
  invalidLink: () =>
    badRequest('invalid_link', 'The online link must start with https://', 'Der Link muss mit https:// beginnen.', 'onlineLink'),
  resultRequired: () =>
    badRequest(
      'result_required',
      'A documented workshop needs what was presented and what towns will try',
      'Bitte beschreiben Sie kurz, was vorgestellt wurde und was die Kommunen ausprobieren wollen.',
      'result',
    ),
  unknownResultTopic: () =>
    badRequest('unknown_topic', 'Result topics must be known topics (at most 10)', 'Bitte wählen Sie die Themen aus der Liste.', 'topics'),
  /** A refusal with its own code and texts (the hold rule's). */
  conflict,
  /** Broken group rules as one 409: the first rule's code; the message lists every rule and the towns it names. */
  rules: (violations: RuleViolation[]): DomainError => {
    const err = conflict(violations[0].code, violations.map((v) => v.message).join('; '), violations.map((v) => v.messageDe).join(' '));
    Object.assign(err.getResponse() as object, {
      violations: violations.map((v) => ({ code: v.code, towns: v.towns, message: v.message })),
    });
    return err;
  },
};

/** Runs a step of the transition table; its refusal becomes the 409 with the table's own code and texts. */
export const asTransition = <T>(fn: () => T): T => {
  try {
    return fn();
  } catch (err) {
    if (err instanceof WorkshopTransitionError) throw conflict(err.code, err.message, err.messageDe);
    throw err;
  }
};
