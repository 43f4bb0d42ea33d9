import { HttpStatus } from '@nestjs/common';
import { DomainError, townNotFound } from '../common/domain-error';
import { COOLDOWN_MONTHS } from '../matching/matching-rules';

// The tandem rules' refusals in one catalogue: a stable code, English for the API, German for the pages.
const error = (status: HttpStatus, code: string, en: string, de: string, field?: string) => new DomainError(status, code, en, de, field);
const conflict = (code: string, en: string, de: string) => error(HttpStatus.CONFLICT, code, en, de);
const badRequest = (code: string, en: string, de: string, field?: string) => error(HttpStatus.BAD_REQUEST, code, en, de, field);
const pairHasTandem = () =>
  conflict(
    'pair_has_tandem',
    'These two towns already have an open or active tandem',
    'Diese beiden Kommunen haben bereits ein offenes oder aktives Tandem.',
  );

export const TandemErrors = {
  /** Any 409 of the transition table or a rule, by its code (the table's own messages). */
  conflict,
  notTownContact: (en: string, de: string) => error(HttpStatus.FORBIDDEN, 'not_a_town_contact', en, de),
  ownTownNotVerified: () =>
    error(
      HttpStatus.FORBIDDEN,
      'town_not_verified',
      'Your town is not verified by the office yet; you can ask for tandems afterwards',
      'Ihre Kommune ist von der Geschäftsstelle noch nicht bestätigt. Danach können Sie Tandems anfragen.',
    ),
  tandemNotFound: () =>
    error(
      HttpStatus.NOT_FOUND,
      'tandem_not_found',
      'Tandem not found',
      'Dieses Tandem gibt es nicht, oder es gehört nicht zu Ihrer Kommune.',
    ),
  townNotFound,
  self: (en: string, de: string) => conflict('self', en, de),
  unknownPairTopic: () =>
    badRequest(
      'unknown_topic',
      'Choose a topic that one of the two towns named in its profile',
      'Bitte wählen Sie ein Thema aus den Profilen der beiden Kommunen.',
      'topic',
    ),
  systemOnly: () => conflict('system_only', 'Only the system lets a tandem expire', 'Nur das System lässt ein Tandem ablaufen.'),
  fitCheckOnly: () =>
    conflict(
      'fit_check_only',
      'A tandem ends as not a fit through the fit check',
      'Ob das Tandem passt, beantworten Sie in der Passungsfrage.',
    ),
  reasonRequired: () =>
    badRequest(
      'reason_required',
      'Please give a reason (at least 3 characters)',
      'Bitte geben Sie eine kurze Begründung an (mindestens 3 Zeichen).',
      'reason',
    ),
  resultGiven: () =>
    conflict('result_given', 'Your town has given its result already', 'Ihre Kommune hat ihr Ergebnis bereits eingetragen.'),
  resultPending: () =>
    conflict(
      'result_pending',
      "A tandem concludes with both towns' results, or after the deadline once one town has given its result",
      'Ein Tandem wird mit den Ergebnissen beider Kommunen abgeschlossen, oder nach Ablauf der Frist, sobald eine Kommune ihr Ergebnis eingetragen hat.',
    ),
  resultRequired: () =>
    badRequest(
      'result_required',
      'A concluded tandem needs a short result: what was worked on and what was taken over or tried',
      'Bitte beschreiben Sie kurz, woran Sie gearbeitet und was Sie übernommen oder ausprobiert haben.',
      'result',
    ),
  invalidAdoption: () =>
    badRequest(
      'invalid_adoption',
      'adoption must be one of yes, partly, no, planned',
      'Bitte wählen Sie, wie weit Sie es übernommen haben.',
      'adoption',
    ),
  invalidRating: () =>
    badRequest('invalid_rating', 'rating must be a whole number from 1 to 5', 'Bitte bewerten Sie das Tandem mit 1 bis 5.', 'rating'),
  unknownResultTopic: () =>
    badRequest('unknown_topic', 'Result topics must be known topics (at most 10)', 'Bitte wählen Sie die Themen aus der Liste.', 'topics'),
  invalidFit: () =>
    badRequest('invalid_fit', 'Say whether the tandem fits (fits: true or false)', 'Bitte wählen Sie, ob das Tandem passt.', 'fits'),
  townsOnly: () =>
    error(
      HttpStatus.FORBIDDEN,
      'towns_only',
      'Only the two towns answer the fit check',
      'Die Passungsfrage beantworten die beiden Kommunen.',
    ),
  notActive: () =>
    conflict('not_active', 'Only an active tandem is asked whether it fits', 'Nur ein laufendes Tandem wird gefragt, ob es passt.'),
  fitNotAsked: (weeks: number) =>
    conflict(
      'fit_not_asked',
      `The fit question comes ${weeks} weeks after the start`,
      `Ob das Tandem passt, fragen wir ${weeks} Wochen nach dem Start.`,
    ),
  fitAnswered: () =>
    conflict('fit_answered', 'Your town has answered the fit question already', 'Ihre Kommune hat die Passungsfrage bereits beantwortet.'),
  notDismissed: () =>
    error(HttpStatus.NOT_FOUND, 'not_dismissed', 'This town is not hidden by your town', 'Diese Kommune haben Sie nicht ausgeblendet.'),
  notInRound: () =>
    conflict('not_in_round', 'This pair is not part of the current tandem round', 'Dieses Paar gehört nicht zur aktuellen Tandemrunde.'),
  noRound: () => conflict('no_round', 'There is no current tandem round', 'Es gibt noch keine berechnete Tandemrunde.'),
  townNotVerified: (name: string) =>
    conflict('town_not_verified', `${name} is not verified by the office yet`, `${name} ist von der Geschäftsstelle noch nicht bestätigt.`),
  townOptedOut: (name: string) =>
    conflict('town_opted_out', `${name} does not take part in tandems at the moment`, `${name} nimmt derzeit nicht an Tandems teil.`),
  alreadyProposed: (a: string, b: string) =>
    conflict(
      'already_proposed',
      `The office has already proposed ${a} and ${b} as a tandem; the proposal waits for both towns' answers`,
      `Die Geschäftsstelle hat ${a} und ${b} bereits als Tandem vorgeschlagen. Der Vorschlag wartet auf die Antwort beider Kommunen.`,
    ),
  pairHasTandem,
  pairDeclined: () =>
    conflict(
      'pair_declined',
      `This pair was declined within the last ${COOLDOWN_MONTHS} months`,
      `Dieses Paar wurde in den letzten ${COOLDOWN_MONTHS} Monaten abgelehnt.`,
    ),
  atCapacity: (name: string, live: number, capacity: number) =>
    conflict(
      'at_capacity',
      `${name} has no free tandem capacity (${live} of ${capacity} open or active)`,
      `${name} hat keine freie Tandem-Kapazität (${live} von ${capacity} offen oder aktiv).`,
    ),
  alreadyAccepted: () =>
    conflict('already_accepted', 'Your town has already accepted this proposal', 'Ihre Kommune hat diesen Vorschlag bereits angenommen.'),
};
