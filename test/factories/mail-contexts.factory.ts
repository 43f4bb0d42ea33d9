// Fixture contexts for every mail template, built as the services build them: the same label tables, reason texts
// from the scoring engine, the digest composer, the workshop date format. Used by the German text check and the
// Reply-To check (test/unit/foundation/german-text.spec.ts, mail-reply-to.spec.ts). Each template has at least one
// case; templates with branches have one per branch that changes the wording.
import { composeDigest, periodLabel, type DigestSection } from '../../src/digests/digest-content.util';
import { reasonList, reasonListLines } from '../../src/matching/core/reason-list.util';
import { buildContext, reasonLine, scorePair } from '../../src/matching/core/score.util';
import type { MatchTown } from '../../src/matching/core/matching-input.types';
import { DEFAULT_WEIGHTS } from '../../src/matching/core/weights';
import { CONTACT_FUNCTION_DE } from '../../src/auth/contact-function.util';
import { STATE_DE as TANDEM_STATE_DE } from '../../src/tandems/core/tandem-transitions.util';
import { contactLine, UPDATE_TEXT } from '../../src/tandems/tandem-mails.service';
import { chosenBecause } from '../../src/workshops/workshop-fit.util';
import { formatBerlin } from '../../src/common/berlin-time.util';
import { INVITATION_STATE_DE, STATE_DE as WORKSHOP_STATE_DE } from '../../src/workshops/workshop-transitions.util';
import { rankAudience } from '../../src/events/core/event-audience.util';
import { EVENT_FORMAT_DE, EVENT_KIND_DE } from '../../src/events/core/event-transitions.util';

export interface MailCase {
  template: string;
  /** What the case shows (branch), for failure messages. */
  name: string;
  context: Record<string, unknown>;
}

const APP = 'https://tandem.example';
const TOPICS = { leerstand: 'Leerstand', mobilitaet: 'Mobilität', coworking: 'Digitale Arbeitswelten & Co-Working' };
const town = (id: string, name: string, stateCode: string, stateName: string, over: Partial<MatchTown>): MatchTown => ({
  id,
  name,
  stateCode,
  stateName,
  population: 10000,
  associationPopulation: null,
  areaKm2: 80,
  degurba: 3,
  lat: 52.5,
  lon: 14.4,
  topics: [],
  challenges: [],
  experiences: [],
  capacity: 2,
  ...over,
});
const seelow = town('s', 'Seelow', '12', 'Brandenburg', {
  topics: ['leerstand', 'mobilitaet'],
  challenges: [{ topic: 'leerstand', urgency: 3 }],
});
const penkun = town('p', 'Penkun', '13', 'Mecklenburg-Vorpommern', {
  population: 9000,
  areaKm2: 150,
  topics: ['leerstand', 'coworking'],
  experiences: [{ topic: 'leerstand' }],
});
const olbernhau = town('o', 'Olbernhau', '14', 'Sachsen', {
  population: 11000,
  topics: ['leerstand'],
  experiences: [{ topic: 'leerstand' }],
});
const ctx = buildContext([seelow, penkun, olbernhau], DEFAULT_WEIGHTS, TOPICS);
/** What Seelow reads about Penkun, and Penkun about Seelow: real reason lines of the scoring engine. */
const reasonsSeelow = reasonLine(scorePair(ctx, seelow, penkun).components);
const reasonsPenkun = reasonLine(scorePair(ctx, penkun, seelow).components);
/** The same as lists (issue 30): one line per criterion with its share of the score. */
const listSeelow = reasonList(scorePair(ctx, seelow, penkun).components, 'town', 'Leerstand');
const listPenkun = reasonList(scorePair(ctx, penkun, seelow).components);

const tandem = {
  displayName: 'Anna Beispiel',
  ownTown: 'Penkun',
  otherTown: 'Seelow',
  townA: 'Seelow',
  townB: 'Penkun',
  // A real topic name with its own parentheses: a template that puts it in parentheses again reads "((…))".
  topicName: 'Innenstadt & Ortskern beleben (Innenentwicklung)',
  origin: 'request',
  proposal: false,
  link: `${APP}/tandems/7b0f3d1e-2a11-4c9c-9d41-0f7e2b8e4d4b`,
};
const startsAt = new Date('2026-03-10T09:00:00Z');
const workshop = {
  displayName: 'Anna Beispiel',
  title: 'Leerstand gemeinsam angehen',
  themeName: 'Innenstadt & Ortskern beleben (Innenentwicklung)',
  when: formatBerlin(startsAt),
  durationMinutes: 180,
  place: 'Vor Ort in Seelow: Küstriner Straße 61',
  online: false,
  stateLabel: WORKSHOP_STATE_DE.invited,
  confirmed: false,
  link: `${APP}/werkstaetten/1d6a7c1e-0000-4000-8000-000000000001`,
  townName: 'Penkun',
  invitationLabel: INVITATION_STATE_DE.invited,
  chosenBecause: chosenBecause(ctx, penkun, [seelow, olbernhau], 'leerstand', 'Leerstand'),
};

/** What a mail to an office's address-book entry (no account yet, issue 25) adds to its context. */
const addressBook = {
  functionLabel: CONTACT_FUNCTION_DE.mayor,
  source: 'Website der Gemeinde, abgerufen am 12.11.2026',
  unsubscribeUrl: `${APP}/keine-weiteren-mails?k=1d6a7c1e-0000-4000-8000-000000000002&s=sig`,
};

// An event as EventsService.recordFor builds it; the reasons from the audience ranking itself.
const [eventFit] = rankAudience(
  [
    {
      id: 's',
      name: 'Seelow',
      stateCode: '12',
      stateName: 'Brandenburg',
      population: 5300,
      topics: ['leerstand'],
      challengeTopics: ['leerstand'],
      connected: false,
    },
  ],
  { states: ['12'], sizeClasses: [], topics: [] },
  ['leerstand'],
  new Map(Object.entries(TOPICS)),
);
const event = {
  displayName: 'Jörg Schröder',
  title: 'Leerstand in kleinen Städten',
  kindLabel: EVENT_KIND_DE.erfahrungswerkstatt,
  when: formatBerlin(startsAt),
  until: formatBerlin(new Date(startsAt.getTime() + 6 * 3600_000)),
  deadline: formatBerlin(new Date(startsAt.getTime() - 7 * 86_400_000)),
  place: 'Rathaus Seelow, Küstriner Straße 61, 15306 Seelow',
  formatLabel: EVENT_FORMAT_DE.in_person,
  link: `${APP}/veranstaltungen/00000000-0000-4000-8000-000000000003`,
  townName: 'Seelow',
};

const sections: DigestSection[] = [
  {
    key: 'suggestions',
    title: 'Neue Partnervorschläge',
    intro: 'Diese Kommunen passen nach den Angaben in den Profilen gut zu Ihrer Kommune:',
    items: [
      { key: 'suggestion:p', title: 'Penkun (Mecklenburg-Vorpommern)', reasons: reasonsSeelow, reasonLines: reasonListLines(listSeelow) },
    ],
    link: { url: `${APP}/vorschlaege`, text: 'Vorschläge ansehen und ein Tandem anfragen' },
    summary: '',
  },
  {
    key: 'tandem-requests',
    title: 'Warten auf Ihre Antwort',
    intro: 'Diese Tandems warten darauf, dass Ihre Kommune zusagt oder absagt:',
    items: [
      { key: 'tandem-waiting:1:requested', title: 'Olbernhau (Sachsen)', detail: 'Anfrage an Ihre Kommune', reasons: 'Thema: Leerstand' },
    ],
    link: { url: `${APP}/tandems`, text: 'Zu Ihren Tandems' },
    summary: '',
  },
  {
    key: 'workshop-invitations',
    title: 'Einladungen zu Transferwerkstätten',
    intro: 'Ihre Kommune ist zu diesen Werkstätten eingeladen und hat noch nicht geantwortet:',
    items: [
      {
        key: 'workshop:1',
        title: 'Leerstand gemeinsam angehen – Thema: Innenstadt & Ortskern beleben (Innenentwicklung)',
        detail: formatBerlin(startsAt),
        reasonLines: workshop.chosenBecause.split('\n'),
      },
    ],
    link: { url: `${APP}/werkstaetten`, text: 'Zu Ihren Werkstätten: zusagen oder absagen' },
    summary: '',
  },
  {
    key: 'events',
    title: 'Veranstaltungen, die zu Ihrer Kommune passen',
    intro: 'Für diese Veranstaltungen können Sie Personen aus Ihrer Kommune anmelden:',
    items: [
      {
        key: 'event:1',
        title: `${event.title} – ${event.kindLabel}`,
        detail: `${event.when}, ${event.place}; Anmeldung bis ${event.deadline}`,
      },
    ],
    link: { url: `${APP}/veranstaltungen?passend=ja`, text: 'Zu den passenden Veranstaltungen' },
    summary: '',
  },
];
const digest = composeDigest(sections, new Set(), 'Seelow')!;

const partnerContacts = [
  contactLine({
    townId: 's',
    displayName: 'Bernd Muster',
    contactFunction: 'mayor',
    email: 'bernd@seelow.example',
    phone: '+49 3346 123',
    mainContact: true,
  }),
];

export const MAIL_CASES: MailCase[] = [
  { template: 'account-exists', name: 'default', context: { loginUrl: `${APP}/anmelden`, resetUrl: `${APP}/passwort-vergessen` } },
  {
    template: 'confirm-email',
    name: 'default',
    context: { townName: 'Seelow', stateName: 'Brandenburg', confirmUrl: `${APP}/bestaetigen?token=abc`, validHours: 48 },
  },
  {
    template: 'contact-invitation',
    name: 'default',
    context: {
      displayName: 'Clara Kollegin',
      inviterName: 'Anna Beispiel',
      townName: 'Seelow',
      acceptUrl: `${APP}/einladung?token=x`,
      validDays: 7,
    },
  },
  {
    template: 'digest',
    name: 'three sections',
    context: {
      displayName: 'Anna Beispiel',
      townName: 'Seelow',
      subject: digest.subject,
      periodLabel: periodLabel('2026-W49'),
      sections: digest.sections.map((s) => ({ title: s.title, intro: s.intro, items: s.items, link: s.link ?? null })),
      settingsUrl: `${APP}/benachrichtigungen`,
      unsubscribeUrl: `${APP}/abbestellen?u=1&s=2`,
    },
  },
  { template: 'email-change-notice', name: 'default', context: { newEmail: 'neu@seelow.example', loginUrl: `${APP}/anmelden` } },
  { template: 'email-change', name: 'default', context: { confirmUrl: `${APP}/email-bestaetigen?token=x`, validHours: 48 } },
  {
    template: 'main-contact',
    name: 'default',
    context: { displayName: 'Anna Beispiel', townName: 'Seelow', profileUrl: `${APP}/meine-kommune` },
  },
  { template: 'password-changed', name: 'default', context: { forgotUrl: `${APP}/passwort-vergessen` } },
  { template: 'password-reset', name: 'default', context: { resetUrl: `${APP}/passwort-neu?token=x`, validMinutes: 60 } },
  {
    template: 'tandem-answered',
    name: 'accepted',
    context: {
      ...tandem,
      ownTown: 'Seelow',
      otherTown: 'Penkun',
      side: 'A',
      stateLabel: TANDEM_STATE_DE.accepted,
      accepted: true,
      message: 'Gern!',
    },
  },
  {
    template: 'tandem-answered',
    name: 'declined',
    context: {
      ...tandem,
      ownTown: 'Seelow',
      otherTown: 'Penkun',
      side: 'A',
      stateLabel: TANDEM_STATE_DE.declined,
      accepted: false,
      reason: 'Keine Zeit',
    },
  },
  {
    template: 'tandem-approval-needed',
    name: 'office',
    context: {
      ...tandem,
      ownTown: null,
      otherTown: null,
      forOffice: true,
      stateLabel: TANDEM_STATE_DE.accepted,
      message: 'Gern!',
      requestMessage: 'Hallo',
    },
  },
  {
    template: 'tandem-proposed',
    name: 'office proposal',
    context: {
      ...tandem,
      origin: 'office_proposal',
      proposal: true,
      stateLabel: TANDEM_STATE_DE.proposed,
      reasons: reasonsPenkun,
      reasonList: listPenkun,
    },
  },
  {
    template: 'tandem-paired',
    name: 'office pairing outside a round',
    context: {
      ...tandem,
      origin: 'office_proposal',
      proposal: true,
      stateLabel: TANDEM_STATE_DE.proposed,
      reasons: reasonsPenkun,
      reasonList: listPenkun,
      officeReason: 'Beide Kommunen haben uns auf der Regionalkonferenz von ihren Plänen für den Marktplatz erzählt.',
    },
  },
  {
    template: 'tandem-paired',
    name: 'office pairing without computed reasons',
    context: {
      ...tandem,
      origin: 'office_proposal',
      proposal: true,
      stateLabel: TANDEM_STATE_DE.proposed,
      reasons: '',
      reasonList: reasonList([]),
      officeReason: 'Beide Kommunen arbeiten an einem Leerstandskataster.',
    },
  },
  {
    template: 'tandem-reminder',
    name: 'request to the town',
    context: { ...tandem, stateLabel: TANDEM_STATE_DE.requested, days: 14, expiresInDays: 16 },
  },
  {
    template: 'tandem-reminder',
    name: 'proposal to the town',
    context: { ...tandem, origin: 'office_proposal', proposal: true, stateLabel: TANDEM_STATE_DE.proposed, days: 14, expiresInDays: 16 },
  },
  {
    template: 'tandem-reminder',
    name: 'office',
    context: { ...tandem, ownTown: null, otherTown: null, forOffice: true, stateLabel: TANDEM_STATE_DE.accepted, days: 14 },
  },
  {
    template: 'tandem-requested',
    name: 'with message',
    context: {
      ...tandem,
      stateLabel: TANDEM_STATE_DE.requested,
      reasons: reasonsPenkun,
      reasonList: listPenkun,
      message: 'Wir würden gern von Ihnen lernen.',
    },
  },
  {
    template: 'tandem-start-reminder',
    name: 'default',
    context: { ...tandem, stateLabel: TANDEM_STATE_DE.approved, days: 14, expiresInDays: 46 },
  },
  ...[false, true].map((second) => ({
    template: 'tandem-silence',
    name: second ? 'second' : 'first',
    context: { ...tandem, stateLabel: TANDEM_STATE_DE.active, weeks: 8, second },
  })),
  {
    template: 'town-dormant',
    name: 'default',
    context: { displayName: 'Anna Beispiel', townName: 'Seelow', months: 4, link: `${APP}/anmelden?next=%2Fvorschlaege` },
  },
  {
    template: 'tandem-fit-check',
    name: 'default',
    context: { ...tandem, stateLabel: TANDEM_STATE_DE.active, weeks: 6 },
  },
  {
    template: 'tandem-result-requested',
    name: 'default',
    context: { ...tandem, stateLabel: TANDEM_STATE_DE.active, due: '27. Dezember 2026', days: 21 },
  },
  {
    template: 'invitation-account-exists',
    name: 'default',
    context: { inviterName: 'Anna Beispiel', townName: 'Seelow', loginUrl: `${APP}/anmelden`, resetUrl: `${APP}/passwort-vergessen` },
  },
  ...(['approved', 'rejected', 'active', 'concluded', 'cancelled', 'withdrawn', 'declined', 'expired', 'not_a_fit'] as const).map((to) => ({
    template: 'tandem-update',
    name: to,
    context: {
      ...tandem,
      stateLabel: TANDEM_STATE_DE[to],
      text: UPDATE_TEXT[to],
      partnerContacts: to === 'approved' ? partnerContacts : [],
      reason: to === 'rejected' || to === 'cancelled' ? 'Neue Prioritäten im Rat' : null,
    },
  })),
  {
    template: 'town-rejected',
    name: 'default',
    context: { displayName: 'Anna Beispiel', townName: 'Seelow', reason: 'Nicht nachweisbar' },
  },
  {
    template: 'town-verified',
    name: 'default',
    context: { displayName: 'Anna Beispiel', townName: 'Seelow', profileUrl: `${APP}/meine-kommune` },
  },
  {
    template: 'workshop-answered',
    name: 'accepted',
    context: { ...workshop, displayName: 'Geschäftsstelle (Demo)', accepted: true, reason: '' },
  },
  {
    template: 'workshop-answered',
    name: 'declined',
    context: { ...workshop, displayName: 'Geschäftsstelle (Demo)', accepted: false, reason: 'Termin passt nicht' },
  },
  {
    template: 'workshop-cancelled',
    name: 'default',
    context: { ...workshop, stateLabel: WORKSHOP_STATE_DE.cancelled, reason: 'Zu wenige Zusagen' },
  },
  { template: 'workshop-confirmed', name: 'default', context: { ...workshop, stateLabel: WORKSHOP_STATE_DE.confirmed, confirmed: true } },
  { template: 'workshop-invitation', name: 'invited', context: workshop },
  { template: 'workshop-invitation', name: 'already confirmed', context: { ...workshop, confirmed: true } },
  { template: 'workshop-reminder', name: 'in 7 days', context: { ...workshop, days: 7, tomorrow: false } },
  { template: 'workshop-reminder', name: 'tomorrow', context: { ...workshop, days: 1, tomorrow: true } },
  { template: 'workshop-update', name: 'default', context: workshop },
  {
    template: 'workshop-withdrawn',
    name: 'with a reason',
    context: { ...workshop, invitationLabel: INVITATION_STATE_DE.withdrawn, reason: 'Die Gruppe wird neu zusammengesetzt.' },
  },
  {
    template: 'workshop-withdrawn',
    name: 'without a reason',
    context: { ...workshop, invitationLabel: INVITATION_STATE_DE.withdrawn, reason: null },
  },
  {
    template: 'accessibility-feedback',
    name: 'with address',
    context: {
      displayName: 'Geschäftsstelle (Demo)',
      name: 'Kim Muster',
      email: 'kim@example.org',
      page: 'Vorschläge',
      message: 'Der Fokus ist auf der Schaltfläche „Tandem anfragen“ kaum zu sehen.',
      receivedAt: 'Montag, 7. Dezember 2026 um 10:15 Uhr',
      statementUrl: `${APP}/barrierefreiheit`,
    },
  },
  {
    template: 'accessibility-feedback',
    name: 'anonymous',
    context: {
      displayName: 'Geschäftsstelle (Demo)',
      name: '',
      email: '',
      page: '',
      message: 'Die Karte lässt sich mit dem Screenreader nicht lesen.',
      receivedAt: 'Montag, 7. Dezember 2026 um 10:15 Uhr',
      statementUrl: `${APP}/barrierefreiheit`,
    },
  },
  // Issue 25: the office's address book reaches towns without an account.
  {
    template: 'tandem-proposed-address-book',
    name: 'office proposal to an address-book entry',
    context: {
      ...tandem,
      ...addressBook,
      origin: 'office_proposal',
      proposal: true,
      stateLabel: TANDEM_STATE_DE.proposed,
      reasons: reasonsPenkun,
    },
  },
  {
    template: 'tandem-proposed-address-book',
    name: 'office proposal without topic and reasons',
    context: { ...tandem, ...addressBook, topicName: null, origin: 'office_proposal', proposal: true, reasons: '' },
  },
  {
    template: 'tandem-proposed-address-book',
    name: 'office pairing outside a round, with its reason',
    context: {
      ...tandem,
      ...addressBook,
      origin: 'office_proposal',
      proposal: true,
      reasons: reasonsPenkun,
      officeReason: 'Beide Kommunen arbeiten am Leerstand im Ortskern.',
    },
  },
  { template: 'workshop-invitation-address-book', name: 'invited', context: { ...workshop, ...addressBook } },
  { template: 'workshop-invitation-address-book', name: 'already confirmed', context: { ...workshop, ...addressBook, confirmed: true } },
  {
    template: 'town-claim-invitation',
    name: 'default',
    context: {
      displayName: 'Clara Kollegin',
      functionLabel: CONTACT_FUNCTION_DE.staff,
      townName: 'Penkun',
      officeName: 'Geschäftsstelle (Demo)',
      source: addressBook.source,
      acceptUrl: `${APP}/einladung?token=x`,
      validDays: 7,
      unsubscribeUrl: addressBook.unsubscribeUrl,
    },
  },
  // Issue 27: the Methodenkoffer's review.
  {
    template: 'practice-submitted',
    name: 'to the office',
    context: {
      displayName: 'Geschäftsstelle (Demo)',
      townName: 'Seelow',
      title: 'Leerstandskataster mit den Eigentümern',
      link: `${APP}/methodenkoffer/00000000-0000-4000-8000-000000000001`,
      queueLink: `${APP}/geschaeftsstelle/methodenkoffer`,
    },
  },
  {
    template: 'practice-published',
    name: 'first version',
    context: {
      displayName: 'Jörg Schröder',
      townName: 'Seelow',
      title: 'Leerstandskataster mit den Eigentümern',
      version: 1,
      versionNote: '',
      link: `${APP}/methodenkoffer/00000000-0000-4000-8000-000000000001`,
    },
  },
  {
    template: 'practice-published',
    name: 'a later version',
    context: {
      displayName: 'Jörg Schröder',
      townName: 'Seelow',
      title: 'Leerstandskataster mit den Eigentümern',
      version: 2,
      versionNote: ' (Fassung 2)',
      link: `${APP}/methodenkoffer/00000000-0000-4000-8000-000000000001`,
    },
  },
  {
    template: 'practice-returned',
    name: 'with a comment',
    context: {
      displayName: 'Jörg Schröder',
      townName: 'Seelow',
      title: 'Leerstandskataster mit den Eigentümern',
      comment: 'Bitte ergänzen Sie, wie viele Eigentümer Sie erreicht haben und was das Kataster gekostet hat.',
      link: `${APP}/methodenkoffer/00000000-0000-4000-8000-000000000001/bearbeiten`,
    },
  },
  {
    template: 'practice-follow-up',
    name: 'six months after a tandem',
    context: {
      displayName: 'Jörg Schröder',
      townName: 'Seelow',
      authorName: 'Wittstock/Dosse',
      title: 'Leerstandskataster mit den Eigentümern',
      months: 6,
      source: 'dem Tandem mit Wittstock/Dosse',
      links: Object.fromEntries(
        ['ja', 'teilweise', 'geplant', 'nein'].map((w, i) => [
          ['yes', 'partly', 'planned', 'no'][i],
          `${APP}/methodenkoffer/rueckmeldung/00000000-0000-4000-8000-000000000002?s=sig&antwort=${w}`,
        ]),
      ),
      exampleLink: `${APP}/methodenkoffer/00000000-0000-4000-8000-000000000001`,
    },
  },
  { template: 'event-invitation', name: 'with reasons', context: { ...event, reasons: eventFit.reasons } },
  { template: 'event-invitation-address-book', name: 'with reasons', context: { ...event, reasons: eventFit.reasons, ...addressBook } },
  { template: 'event-registration', name: 'confirmed', context: { ...event, confirmed: true, waitingRank: null } },
  { template: 'event-registration', name: 'waiting', context: { ...event, confirmed: false, waitingRank: 3 } },
  { template: 'event-registration', name: 'moved up', context: { ...event, confirmed: true, movedUp: true } },
  { template: 'event-cancelled', name: 'registration', context: { ...event, wholeEvent: false } },
  {
    template: 'event-cancelled',
    name: 'whole event',
    context: { ...event, wholeEvent: true, reason: 'Die Referentin ist erkrankt; ein neuer Termin folgt.' },
  },
  { template: 'event-update', name: 'default', context: { ...event, changed: true } },
  { template: 'event-reminder', name: 'default', context: event },
  {
    template: 'event-proposed',
    name: 'to the office',
    context: {
      ...event,
      link: `${APP}/geschaeftsstelle/veranstaltungen/00000000-0000-4000-8000-000000000003`,
      queueLink: `${APP}/geschaeftsstelle/veranstaltungen#vorschlaege-h`,
    },
  },
  { template: 'event-proposal-approved', name: 'to the host town', context: event },
  {
    template: 'event-proposal-returned',
    name: 'with a comment',
    context: {
      ...event,
      comment: 'Bitte nennen Sie, wie Gäste vom Bahnhof zum Rathaus kommen, und verlegen Sie den Anmeldeschluss eine Woche nach vorn.',
    },
  },
];
