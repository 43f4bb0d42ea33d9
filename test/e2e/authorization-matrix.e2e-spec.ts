import request from 'supertest';
import { hashPassword } from '../../src/auth/password.util';
import { TEST_PASSWORD_HASH } from '../utils/test-env';
import { registerConfirmAndLogin, STRONG_PASSWORD } from '../factories/accounts.factory';
import { seedTowns, SeededTown } from '../factories/digest.factory';
import { createOfficeUser, insertMunicipalities, TEST_TOWNS } from '../factories/directory.factory';
import { computeMatching } from '../factories/tandems.factory';
import { AppRoute, fillPath, listRoutes, paramsOf } from '../utils/app-routes';
import { bootApp, TestApp } from '../utils/boot-app';
import { formToken } from '../utils/csrf';
import { SOME_UUID } from '../utils/write-routes';

/**
 * Issue 24: every route of the app (from Express's router) × every kind of caller → the class of answer it must give.
 * A route missing from ROUTES fails the first test: a new route must be classified here.
 *
 * Callers: anonymous, a pending town (registered and confirmed, not verified), a rejected town (its session from
 * before the rejection), verified town A on its own resources, verified town B on A's resources, the office.
 * Classes: ok (the route did its work or refused the input: 2xx, 3xx elsewhere than the login, 400, …), refused (409:
 * past the authorisation, refused by a rule; accepted wherever ok is), login (401 or a redirect to /anmelden),
 * forbidden (403), notFound (404). Writes that act on a resource are sent with a valid body (so that an input check
 * cannot answer before the ownership check), the others with an empty one; page forms carry a valid CSRF token.
 */

type Agent = ReturnType<typeof request.agent>;
type Cls = 'ok' | 'refused' | 'login' | 'forbidden' | 'notFound' | 'error';
type Expect = Cls | Cls[];
const IDENTITIES = ['anonymous', 'pending', 'rejected', 'townB', 'townA', 'office'] as const;
type Identity = (typeof IDENTITIES)[number];
type Cell = Record<Identity, Expect>;

/** What a route's parameters are filled with (keys of the scenario's ids). */
type Ref =
  | 'townA'
  | 'contactA'
  | 'tandemA'
  | 'workshopA'
  | 'practiceA'
  | 'eventA'
  | 'registrationA'
  | 'proposalA'
  | 'applicant'
  | 'runId'
  | 'someUuid'
  | 'haupt';

const DENY: Cls[] = ['forbidden', 'notFound'];
const OK_OR_DENY: Cls[] = ['ok', 'forbidden', 'notFound'];
/** Anyone, signed in or not. */
const PUBLIC: Cell = { anonymous: 'ok', pending: 'ok', rejected: 'ok', townB: 'ok', townA: 'ok', office: 'ok' };
/** Login forms: an empty login answers 400 or 401 (a wrong login), both fine. */
const LOGIN_FORM: Cell = {
  anonymous: ['ok', 'login'],
  pending: ['ok', 'login'],
  rejected: ['ok', 'login'],
  townB: ['ok', 'login'],
  townA: ['ok', 'login'],
  office: ['ok', 'login'],
};
/** Every signed-in account (a rejected applicant's sessions stop working). */
const SIGNED_IN: Cell = { anonymous: 'login', pending: 'ok', rejected: 'login', townB: 'ok', townA: 'ok', office: 'ok' };
/** A town contact on its own town (a pending town edits its own profile); the office has its own pages. */
const OWN_TOWN: Cell = { anonymous: 'login', pending: 'ok', rejected: 'login', townB: 'ok', townA: 'ok', office: DENY };
/** Only verified towns take part in the network (suggestions, requests, colleagues). */
const VERIFIED_TOWN: Cell = { anonymous: 'login', pending: DENY, rejected: 'login', townB: 'ok', townA: 'ok', office: DENY };
/** Geschäftsstelle only. */
const OFFICE: Cell = { anonymous: 'login', pending: DENY, rejected: 'login', townB: DENY, townA: DENY, office: 'ok' };
/** Town A's resource: A and the office; B and the pending town must not reach it. */
const A_AND_OFFICE: Cell = { anonymous: 'login', pending: DENY, rejected: 'login', townB: DENY, townA: 'ok', office: 'ok' };
/** Town A's resource that only A acts on (the office may or may not have the same action). */
const A_ACTS: Cell = { anonymous: 'login', pending: DENY, rejected: 'login', townB: DENY, townA: 'ok', office: OK_OR_DENY };
/** Town A's resource that only A acts on; the office has no such action (town-contact route). */
const A_ONLY: Cell = { anonymous: 'login', pending: DENY, rejected: 'login', townB: DENY, townA: 'ok', office: DENY };
/** The request page for town A: other verified towns open it; it does not open for A itself or a pending town. */
const ASK_A_PAGE: Cell = { anonymous: 'login', pending: DENY, rejected: 'login', townB: 'ok', townA: DENY, office: DENY };
/** Asking town A: a pending town or A itself may also be refused by the rule (409: not verified, no tandem with itself). */
const ASK_A: Cell = { ...ASK_A_PAGE, pending: [...DENY, 'refused'], townA: [...DENY, 'refused'] };
/** Town A's unpublished example: A and the office read it; for everyone else it does not exist. */
const A_DRAFT_READ: Cell = {
  anonymous: 'notFound',
  pending: 'notFound',
  rejected: 'notFound',
  townB: 'notFound',
  townA: 'ok',
  office: 'ok',
};
/** A draft from A's tandem or workshop that is not concluded or documented yet: A is refused by the rule (409). */
const A_SOURCE: Cell = { anonymous: 'login', pending: DENY, rejected: 'login', townB: DENY, townA: 'refused', office: DENY };
/** A town contact's own list (the office has its own pages). */
const TOWN_CONTACT: Cell = { anonymous: 'login', pending: 'ok', rejected: 'login', townB: 'ok', townA: 'ok', office: DENY };
/** Registering for a published event: verified towns and the office; a pending town is refused by the rule (409). */
const EVENT_REGISTER: Cell = { anonymous: 'login', pending: 'refused', rejected: 'login', townB: 'ok', townA: 'ok', office: 'ok' };
/** The same on the page (a town contact's form; the office has its own pages). */
const EVENT_REGISTER_PAGE: Cell = { ...EVENT_REGISTER, office: DENY };
/** A person to register, one per caller (a second registration of the same address is refused). */
const eventPerson = (who: string) => ({ name: `Person ${who}`, email: `person-${who}@matrix.test`.toLowerCase() });

/** The 404 fallback (Express's catch-all) for a path the app does not have. */
const NO_SUCH_PATH: Cell = {
  anonymous: 'notFound',
  pending: 'notFound',
  rejected: 'notFound',
  townB: 'notFound',
  townA: 'notFound',
  office: 'notFound',
};

interface RouteSpec {
  expect: Cell;
  /** A valid body (by caller), so the ownership check is what answers; otherwise an empty one. */
  body?: (who: Identity) => Record<string, unknown>;
  params?: Record<string, Ref>;
  /** Ends the caller's session: it logs in again afterwards. */
  endsSession?: boolean;
  /** Not checked, with the reason. */
  skip?: string;
}

/** A valid address-book entry (issue 25); the office adds it once. */
const ADDRESS_BOOK_ENTRY = {
  displayName: 'Paula Presse',
  contactFunction: 'staff',
  email: 'presse@matrix.test',
  source: 'Website der Gemeinde, abgerufen am 12.11.2026',
};

const ROUTES: Record<string, RouteSpec> = {
  // Public pages and API
  'GET /': { expect: PUBLIC },
  'GET /health': { expect: PUBLIC },
  'GET /impressum': { expect: PUBLIC },
  'GET /datenschutz': { expect: PUBLIC },
  'GET /barrierefreiheit': { expect: PUBLIC },
  'POST /barrierefreiheit': { expect: PUBLIC },
  'GET /registrieren': { expect: PUBLIC },
  'POST /registrieren': { expect: PUBLIC },
  'GET /registriert': { expect: PUBLIC },
  'GET /bestaetigen': { expect: PUBLIC },
  'POST /bestaetigen': { expect: PUBLIC },
  'GET /anmelden': { expect: PUBLIC },
  'POST /anmelden': { expect: LOGIN_FORM },
  'POST /abmelden': { expect: PUBLIC, endsSession: true },
  'GET /passwort-vergessen': { expect: PUBLIC },
  'POST /passwort-vergessen': { expect: PUBLIC },
  'GET /bestaetigung-erneut': { expect: PUBLIC },
  'POST /bestaetigung-erneut': { expect: PUBLIC },
  'GET /passwort-neu': { expect: PUBLIC },
  'POST /passwort-neu': { expect: PUBLIC },
  'GET /email-bestaetigen': { expect: PUBLIC },
  'POST /email-bestaetigen': { expect: PUBLIC },
  'GET /einladung': { expect: PUBLIC },
  'POST /einladung': { expect: PUBLIC },
  'GET /abbestellen': { expect: PUBLIC },
  'POST /abbestellen': { expect: PUBLIC },
  'GET /keine-weiteren-mails': { expect: PUBLIC },
  'POST /keine-weiteren-mails': { expect: PUBLIC },
  'GET /api/municipalities': { expect: PUBLIC },
  'GET /api/topics': { expect: PUBLIC },
  'GET /api/towns/:id': { expect: PUBLIC, params: { id: 'townA' } },
  'GET /api/docs': { expect: PUBLIC },
  'GET /api/docs/': { expect: PUBLIC },
  'GET /api/docs/index.html': { expect: PUBLIC },
  'GET /api/docs/LICENSE': { expect: NO_SUCH_PATH }, // served by swagger-ui only where its LICENSE file ships
  'GET /api/docs/swagger-ui-init.js': { expect: PUBLIC },
  'GET /api/docs/docs/swagger-ui-init.js': { expect: PUBLIC },
  'GET /api/docs-json': { expect: PUBLIC },
  'GET /api/docs-yaml': { expect: PUBLIC },
  'GET /{*path}': { expect: NO_SUCH_PATH },
  'POST /{*path}': { expect: NO_SUCH_PATH },
  'PUT /{*path}': { expect: NO_SUCH_PATH },
  'PATCH /{*path}': { expect: NO_SUCH_PATH },
  'DELETE /{*path}': { expect: NO_SUCH_PATH },
  'POST /api/auth/register': { expect: PUBLIC },
  'POST /api/auth/confirm': { expect: PUBLIC },
  'POST /api/auth/confirm/resend': { expect: PUBLIC },
  'POST /api/auth/login': { expect: LOGIN_FORM },
  'POST /api/auth/logout': { expect: PUBLIC, endsSession: true },
  'POST /api/auth/password-reset': { expect: PUBLIC },
  'POST /api/auth/password-reset/confirm': { expect: PUBLIC },
  'POST /api/auth/email/confirm': { expect: PUBLIC },
  'POST /api/auth/invitation/accept': { expect: PUBLIC },
  // Any signed-in account: its own account and its own lists
  'GET /api/auth/me': { expect: SIGNED_IN },
  'GET /konto': { expect: SIGNED_IN },
  'POST /konto/passwort': { expect: SIGNED_IN },
  'POST /konto/email': { expect: SIGNED_IN },
  'POST /konto/telefon': { expect: SIGNED_IN, body: () => ({ phone: '+49 30 1234' }) },
  'PUT /api/auth/phone': { expect: SIGNED_IN, body: () => ({ phone: '+49 30 1234' }) },
  'GET /konto/daten': { expect: SIGNED_IN },
  'POST /konto/loeschen': { expect: SIGNED_IN },
  'POST /api/auth/password': { expect: SIGNED_IN },
  'POST /api/auth/email': { expect: SIGNED_IN },
  'GET /api/account/export': { expect: SIGNED_IN },
  'POST /api/account/delete': { expect: SIGNED_IN },
  'GET /tandems': { expect: SIGNED_IN },
  'GET /api/tandems': { expect: SIGNED_IN },
  'GET /werkstaetten': { expect: SIGNED_IN },
  'GET /api/workshops': { expect: SIGNED_IN },
  // A town contact's own town
  'GET /meine-kommune': { expect: OWN_TOWN },
  'POST /meine-kommune': { expect: OWN_TOWN },
  'POST /meine-kommune/pause': { expect: OWN_TOWN, body: () => ({ paused: 'nein' }) },
  'GET /benachrichtigungen': { expect: OWN_TOWN },
  'POST /benachrichtigungen': { expect: OWN_TOWN },
  'GET /vorschlaege': { expect: { ...OWN_TOWN, pending: OK_OR_DENY } },
  'GET /meine-kommune/kontakte': { expect: { ...OWN_TOWN, pending: OK_OR_DENY } },
  // The page answers every refusal with 400 and the German message (a pending town: "… once verified"); the API route
  // below holds the rule strictly.
  'POST /meine-kommune/kontakte': { expect: { ...VERIFIED_TOWN, pending: OK_OR_DENY }, body: (who) => colleague(who, 'seite') },
  // Town A's profile, suggestions and contacts
  'PUT /api/towns/:id/profile': { expect: A_ONLY, params: { id: 'townA' }, body: () => PROFILE_A },
  'PUT /api/towns/:id/pause': { expect: A_ONLY, params: { id: 'townA' }, body: () => ({ paused: false }) },
  'GET /api/towns/:id/suggestions': { expect: A_AND_OFFICE, params: { id: 'townA' } },
  'GET /api/towns/:id/contacts': { expect: A_AND_OFFICE, params: { id: 'townA' } },
  'POST /api/towns/:id/contacts': { expect: A_ONLY, params: { id: 'townA' }, body: (who) => colleague(who, 'api') },
  'DELETE /api/towns/:id/contacts/:userId': { expect: A_ACTS, params: { id: 'townA', userId: 'contactA' } },
  'POST /meine-kommune/kontakte/:userId/entfernen': { expect: A_ONLY, params: { userId: 'contactA' } },
  // Tandems: asking town A, and town A's tandem with another town
  'GET /tandems/anfragen/:partnerId': { expect: ASK_A_PAGE, params: { partnerId: 'townA' } },
  'POST /tandems/anfragen/:partnerId': { expect: ASK_A, params: { partnerId: 'townA' }, body: () => ({ message: 'Hallo' }) },
  'POST /tandems/kein-interesse/:partnerId': { expect: { ...ASK_A, townA: OK_OR_DENY }, params: { partnerId: 'townA' } },
  'POST /api/tandems': { expect: ASK_A, body: () => ({ partnerTownId: refs.townA }) },
  'POST /api/tandems/dismissals': { expect: ASK_A, body: () => ({ partnerTownId: refs.townA }) },
  // A town's own "Kein Interesse" list and its undo (404 where the town hid nothing): town contacts only.
  'GET /api/tandems/dismissals': {
    expect: { anonymous: 'login', pending: 'ok', rejected: 'login', townB: 'ok', townA: 'ok', office: DENY },
  },
  'DELETE /api/tandems/dismissals/:partnerId': {
    expect: { anonymous: 'login', pending: OK_OR_DENY, rejected: 'login', townB: OK_OR_DENY, townA: OK_OR_DENY, office: DENY },
    params: { partnerId: 'townA' },
  },
  'POST /tandems/wieder-anzeigen/:partnerId': {
    expect: { anonymous: 'login', pending: OK_OR_DENY, rejected: 'login', townB: OK_OR_DENY, townA: OK_OR_DENY, office: DENY },
    params: { partnerId: 'townA' },
  },
  'GET /tandems/:id': { expect: A_AND_OFFICE, params: { id: 'tandemA' } },
  'GET /api/tandems/:id': { expect: A_AND_OFFICE, params: { id: 'tandemA' } },
  'POST /tandems/:id/schritt': { expect: A_ACTS, params: { id: 'tandemA' }, body: () => ({ action: 'withdraw', reason: REASON }) },
  'POST /api/tandems/:id/accept': { expect: A_ACTS, params: { id: 'tandemA' } },
  'POST /api/tandems/:id/decline': { expect: A_ACTS, params: { id: 'tandemA' }, body: () => ({ reason: REASON }) },
  'POST /api/tandems/:id/withdraw': { expect: A_ACTS, params: { id: 'tandemA' }, body: () => ({ reason: REASON }) },
  'POST /api/tandems/:id/start': { expect: A_ACTS, params: { id: 'tandemA' } },
  'POST /api/tandems/:id/conclude': {
    expect: A_ACTS,
    params: { id: 'tandemA' },
    body: () => ({ tried: 'Ein Kataster', learnt: 'Früh anfangen', adoption: 'yes', rating: 4 }),
  },
  'POST /api/tandems/:id/cancel': { expect: A_ACTS, params: { id: 'tandemA' }, body: () => ({ reason: REASON }) },
  'POST /api/tandems/:id/fit': { expect: A_ONLY, params: { id: 'tandemA' }, body: () => ({ fits: true }) },
  'POST /tandems/:id/passung': { expect: A_ONLY, params: { id: 'tandemA' }, body: () => ({ fits: 'ja' }) },
  'POST /api/tandems/:id/meetings': {
    expect: A_ONLY,
    params: { id: 'tandemA' },
    body: () => ({ date: new Date().toISOString().slice(0, 10), format: 'online' }),
  },
  'POST /tandems/:id/treffen': {
    expect: A_ONLY,
    params: { id: 'tandemA' },
    body: () => ({ meetingDate: new Date().toISOString().slice(0, 10), meetingFormat: 'online' }),
  },
  'POST /api/tandems/:id/approve': { expect: OFFICE, params: { id: 'tandemA' } },
  'POST /api/tandems/:id/reject': { expect: OFFICE, params: { id: 'tandemA' } },
  'POST /api/tandems/proposals': { expect: OFFICE },
  'POST /api/tandems/proposals/round': { expect: OFFICE },
  // Workshops: one A is invited to and B is not
  'GET /api/workshops/:id': { expect: A_AND_OFFICE, params: { id: 'workshopA' } },
  'POST /api/workshops/:id/answer': { expect: A_ONLY, params: { id: 'workshopA' }, body: () => ({ answer: 'accept' }) },
  'POST /werkstaetten/:id/antwort': { expect: A_ONLY, params: { id: 'workshopA' }, body: () => ({ answer: 'accept' }) },
  'POST /api/workshops': { expect: OFFICE },
  'PATCH /api/workshops/:id': { expect: OFFICE, params: { id: 'workshopA' } },
  'POST /api/workshops/:id/publish': { expect: OFFICE, params: { id: 'workshopA' } },
  'GET /api/workshops/:id/replacements': { expect: OFFICE, params: { id: 'workshopA' } },
  'POST /api/workshops/:id/invitations': { expect: OFFICE, params: { id: 'workshopA' } },
  'GET /api/workshops/:id/town-search': { expect: OFFICE, params: { id: 'workshopA' } },
  // An id that is no invitation: the office's answer is "not invited" (404) — nothing is withdrawn in this test.
  'POST /api/workshops/:id/invitations/:townId/withdraw': {
    expect: { ...OFFICE, office: 'notFound' },
    params: { id: 'workshopA', townId: 'someUuid' },
  },
  'POST /api/workshops/:id/close': { expect: OFFICE, params: { id: 'workshopA' } },
  'POST /api/workshops/:id/confirm': { expect: OFFICE, params: { id: 'workshopA' } },
  'POST /api/workshops/:id/held': { expect: OFFICE, params: { id: 'workshopA' } },
  'POST /api/workshops/:id/document': { expect: OFFICE, params: { id: 'workshopA' } },
  'POST /api/workshops/:id/cancel': { expect: OFFICE, params: { id: 'workshopA' } },
  'GET /geschaeftsstelle/werkstaetten': { expect: OFFICE },
  'POST /geschaeftsstelle/werkstaetten': { expect: OFFICE },
  'GET /geschaeftsstelle/werkstaetten/:id': { expect: OFFICE, params: { id: 'workshopA' } },
  'POST /geschaeftsstelle/werkstaetten/:id': { expect: OFFICE, params: { id: 'workshopA' } },
  'POST /geschaeftsstelle/werkstaetten/:id/einladen': { expect: OFFICE, params: { id: 'workshopA' } },
  'POST /geschaeftsstelle/werkstaetten/:id/schritt': { expect: OFFICE, params: { id: 'workshopA' } },
  'POST /geschaeftsstelle/werkstaetten/:id/zuruecknehmen': { expect: OFFICE, params: { id: 'workshopA' } },
  // The Geschäftsstelle: pages, exports, matching, registrations, digests
  'GET /geschaeftsstelle': { expect: OFFICE },
  'GET /geschaeftsstelle/kommunen': { expect: OFFICE },
  'GET /geschaeftsstelle/kommunen/export.csv': { expect: OFFICE },
  'GET /geschaeftsstelle/kommunen/:id': { expect: OFFICE, params: { id: 'townA' } },
  'POST /geschaeftsstelle/kommunen/:id/notizen': { expect: OFFICE, params: { id: 'townA' } },
  'GET /geschaeftsstelle/kommunen/:id/kontakte': { expect: OFFICE, params: { id: 'townA' } },
  'POST /geschaeftsstelle/kommunen/:id/kontakte/:userId/:action': {
    expect: OFFICE,
    params: { id: 'townA', userId: 'contactA', action: 'haupt' },
  },
  'GET /geschaeftsstelle/werkstaetten/export.csv': { expect: OFFICE },
  'GET /geschaeftsstelle/tandems/export.csv': { expect: OFFICE },
  'GET /geschaeftsstelle/berichtszahlen': { expect: OFFICE },
  'GET /geschaeftsstelle/berichtszahlen/export.csv': { expect: OFFICE },
  'GET /geschaeftsstelle/seismograph': { expect: OFFICE },
  'GET /geschaeftsstelle/seismograph/export.csv': { expect: OFFICE },
  'GET /api/admin/seismograph': { expect: OFFICE },
  'GET /geschaeftsstelle/protokoll': { expect: OFFICE },
  'GET /geschaeftsstelle/registrierungen': { expect: OFFICE },
  'POST /geschaeftsstelle/registrierungen/:id/entscheidung': { expect: OFFICE, params: { id: 'applicant' } },
  'GET /geschaeftsstelle/matching': { expect: OFFICE },
  'POST /geschaeftsstelle/matching': { expect: OFFICE },
  'POST /geschaeftsstelle/matching/gewichte': { expect: OFFICE },
  'GET /geschaeftsstelle/uebersicht': { expect: OFFICE },
  'POST /geschaeftsstelle/uebersicht': { expect: OFFICE },
  'GET /geschaeftsstelle/tandems': { expect: OFFICE },
  'GET /geschaeftsstelle/tandems/freigaben': { expect: OFFICE },
  'POST /geschaeftsstelle/tandems/vorschlaege': { expect: OFFICE },
  'GET /geschaeftsstelle/tandems/paaren': { expect: OFFICE },
  'POST /geschaeftsstelle/tandems/paaren': { expect: OFFICE },
  'GET /api/admin/tandems/pairings/towns': { expect: OFFICE },
  // Without two towns in the query there is no pair to show: 404 for the office.
  'GET /api/admin/tandems/pairings/preview': { expect: { ...OFFICE, office: 'notFound' } },
  'POST /api/admin/tandems/pairings': { expect: OFFICE },
  'GET /api/admin/registrations': { expect: OFFICE },
  'POST /api/admin/towns/:id/verify': { expect: OFFICE, params: { id: 'applicant' } },
  'POST /api/admin/towns/:id/reject': { expect: OFFICE, params: { id: 'applicant' } },
  'GET /api/admin/audit/towns/:id': { expect: OFFICE, params: { id: 'townA' } },
  'PUT /api/admin/towns/:id/main-contact': { expect: OFFICE, params: { id: 'townA' } },
  // Issue 25: the office's address book per town (an unknown entry is a 404 for the office too).
  'GET /api/admin/towns/:id/address-book': { expect: OFFICE, params: { id: 'townA' } },
  'POST /api/admin/towns/:id/address-book': { expect: OFFICE, params: { id: 'townA' }, body: () => ADDRESS_BOOK_ENTRY },
  'PUT /api/admin/towns/:id/address-book/:contactId': {
    expect: { ...OFFICE, office: 'notFound' },
    params: { id: 'townA', contactId: 'someUuid' },
    body: () => ADDRESS_BOOK_ENTRY,
  },
  'DELETE /api/admin/towns/:id/address-book/:contactId': {
    expect: { ...OFFICE, office: 'notFound' },
    params: { id: 'townA', contactId: 'someUuid' },
  },
  'POST /api/admin/towns/:id/address-book/:contactId/invite': {
    expect: { ...OFFICE, office: 'notFound' },
    params: { id: 'townA', contactId: 'someUuid' },
  },
  'POST /geschaeftsstelle/kommunen/:id/adressbuch': { expect: OFFICE, params: { id: 'townA' }, body: () => ADDRESS_BOOK_ENTRY },
  'POST /geschaeftsstelle/kommunen/:id/adressbuch/:contactId': {
    expect: { ...OFFICE, office: 'notFound' },
    params: { id: 'townA', contactId: 'someUuid' },
    body: () => ADDRESS_BOOK_ENTRY,
  },
  'POST /geschaeftsstelle/kommunen/:id/adressbuch/:contactId/entfernen': {
    expect: { ...OFFICE, office: 'notFound' },
    params: { id: 'townA', contactId: 'someUuid' },
  },
  'POST /geschaeftsstelle/kommunen/:id/adressbuch/:contactId/einladen': {
    expect: { ...OFFICE, office: 'notFound' },
    params: { id: 'townA', contactId: 'someUuid' },
  },
  // Issue 27: the Methodenkoffer — published examples public, drafts of A for A, review for the office.
  'GET /methodenkoffer': { expect: PUBLIC },
  'GET /methodenkoffer/export.csv': { expect: PUBLIC },
  'GET /methodenkoffer/export.json': { expect: PUBLIC },
  'GET /api/methods': { expect: PUBLIC },
  'GET /api/practices': { expect: PUBLIC },
  'GET /methodenkoffer/eigene': { expect: TOWN_CONTACT },
  'GET /api/practices/mine': { expect: TOWN_CONTACT },
  'POST /methodenkoffer/neu': { expect: VERIFIED_TOWN },
  'POST /api/practices': { expect: VERIFIED_TOWN },
  'POST /methodenkoffer/aus-tandem/:tandemId': { expect: A_SOURCE, params: { tandemId: 'tandemA' } },
  'POST /methodenkoffer/aus-werkstatt/:workshopId': { expect: A_SOURCE, params: { workshopId: 'workshopA' } },
  'GET /methodenkoffer/:id': { expect: A_DRAFT_READ, params: { id: 'practiceA' } },
  // The follow-up's signed link answers for the town without a sign-in (a wrong signature: 400 for everybody).
  'GET /methodenkoffer/rueckmeldung/:id': { expect: PUBLIC, params: { id: 'practiceA' } },
  'POST /methodenkoffer/rueckmeldung/:id': { expect: PUBLIC, params: { id: 'practiceA' }, body: () => ({ antwort: 'ja' }) },
  'GET /api/practices/:id': { expect: A_DRAFT_READ, params: { id: 'practiceA' } },
  'GET /methodenkoffer/:id/bearbeiten': { expect: A_ONLY, params: { id: 'practiceA' } },
  'POST /methodenkoffer/:id/bearbeiten': { expect: A_ONLY, params: { id: 'practiceA' }, body: () => ({ title: 'Matrix' }) },
  'PATCH /api/practices/:id': { expect: A_ONLY, params: { id: 'practiceA' }, body: () => ({ title: 'Matrix' }) },
  // Incomplete: A's submission answers 400 (still "ok": past the ownership check), so the draft stays a draft.
  'POST /api/practices/:id/submit': { expect: A_ONLY, params: { id: 'practiceA' } },
  // A draft: the office's publish is refused by the rule; return without a comment answers 400.
  'POST /api/practices/:id/publish': { expect: { ...OFFICE, office: 'refused' }, params: { id: 'practiceA' } },
  'POST /api/practices/:id/return': { expect: OFFICE, params: { id: 'practiceA' } },
  'POST /geschaeftsstelle/methodenkoffer/:id/pruefung': { expect: OFFICE, params: { id: 'practiceA' } },
  'GET /geschaeftsstelle/methodenkoffer': { expect: OFFICE },
  'GET /api/practices/review': { expect: OFFICE },
  'GET /api/matching/weights': { expect: OFFICE },
  'PUT /api/matching/weights': { expect: OFFICE },
  'GET /api/matching/runs': { expect: OFFICE },
  'POST /api/matching/runs': { expect: OFFICE },
  'GET /api/matching/runs/:id': { expect: OFFICE, params: { id: 'runId' } },
  'POST /api/matching/workshops': { expect: OFFICE },
  // Events (issue 28): A's registration to a published event
  'GET /api/events': { expect: SIGNED_IN },
  'GET /veranstaltungen': { expect: SIGNED_IN },
  'GET /api/events/:id': { expect: SIGNED_IN, params: { id: 'eventA' } },
  'GET /veranstaltungen/:id': { expect: SIGNED_IN, params: { id: 'eventA' } },
  'POST /api/events/:id/registrations': { expect: EVENT_REGISTER, params: { id: 'eventA' }, body: eventPerson },
  'POST /veranstaltungen/:id/anmelden': {
    expect: EVENT_REGISTER_PAGE,
    params: { id: 'eventA' },
    body: (who) => eventPerson(`${who}-page`),
  },
  'POST /api/events/:id/registrations/:registrationId/cancel': {
    expect: A_AND_OFFICE,
    params: { id: 'eventA', registrationId: 'registrationA' },
  },
  'POST /veranstaltungen/:id/anmeldungen/:registrationId/abmelden': {
    expect: A_ONLY,
    params: { id: 'eventA', registrationId: 'registrationA' },
  },
  'POST /api/events': { expect: OFFICE },
  'PATCH /api/events/:id': { expect: OFFICE, params: { id: 'eventA' } },
  'POST /api/events/:id/publish': { expect: OFFICE, params: { id: 'eventA' } },
  'POST /api/events/:id/close': { expect: OFFICE, params: { id: 'eventA' } },
  'POST /api/events/:id/held': { expect: OFFICE, params: { id: 'eventA' } },
  'POST /api/events/:id/document': { expect: OFFICE, params: { id: 'eventA' } },
  'POST /api/events/:id/cancel': { expect: OFFICE, params: { id: 'eventA' } },
  'GET /api/events/:id/audience': { expect: OFFICE, params: { id: 'eventA' } },
  'POST /api/events/:id/invitations': { expect: OFFICE, params: { id: 'eventA' } },
  'POST /api/events/:id/attendance': { expect: OFFICE, params: { id: 'eventA' } },
  'GET /api/events/:id/participants.csv': { expect: OFFICE, params: { id: 'eventA' } },
  'GET /geschaeftsstelle/veranstaltungen': { expect: OFFICE },
  'POST /geschaeftsstelle/veranstaltungen': { expect: OFFICE },
  'GET /geschaeftsstelle/veranstaltungen/:id': { expect: OFFICE, params: { id: 'eventA' } },
  'POST /geschaeftsstelle/veranstaltungen/:id': { expect: OFFICE, params: { id: 'eventA' } },
  'POST /geschaeftsstelle/veranstaltungen/:id/schritt': { expect: OFFICE, params: { id: 'eventA' } },
  'POST /geschaeftsstelle/veranstaltungen/:id/einladen': { expect: OFFICE, params: { id: 'eventA' } },
  'POST /geschaeftsstelle/veranstaltungen/:id/anwesenheit': { expect: OFFICE, params: { id: 'eventA' } },
  'POST /geschaeftsstelle/veranstaltungen/:id/anmeldungen/:registrationId/abmelden': {
    expect: OFFICE,
    params: { id: 'eventA', registrationId: 'registrationA' },
  },
  'GET /geschaeftsstelle/veranstaltungen/:id/teilnehmende.csv': { expect: OFFICE, params: { id: 'eventA' } },
  // Town-hosted events (issue 28, phase 2): A's proposal, under review
  'GET /api/events/proposals': { expect: VERIFIED_TOWN },
  'POST /api/events/proposals': { expect: VERIFIED_TOWN },
  'POST /api/events/proposals/:id/resubmit': { expect: A_ONLY, params: { id: 'proposalA' } },
  'GET /veranstaltungen/einladen': { expect: VERIFIED_TOWN },
  'POST /veranstaltungen/einladen': { expect: VERIFIED_TOWN },
  'POST /veranstaltungen/:id/vorschlag': { expect: A_ONLY, params: { id: 'proposalA' } },
  'GET /api/events/:id/registrations': { expect: A_AND_OFFICE, params: { id: 'proposalA' } },
  'POST /api/events/:id/approve': { expect: OFFICE, params: { id: 'proposalA' } },
  'POST /api/events/:id/return': { expect: OFFICE, params: { id: 'proposalA' } },
  'POST /api/events/:id/practice-draft': { expect: OFFICE, params: { id: 'eventA' } },
  'POST /geschaeftsstelle/veranstaltungen/:id/vorschlag': { expect: OFFICE, params: { id: 'proposalA' } },
  'POST /geschaeftsstelle/veranstaltungen/:id/methodenkoffer': { expect: OFFICE, params: { id: 'eventA' } },
  // The embedded mode's outbox (not mounted on the servers): the operator's mailbox on loopback, by design
  'GET /outbox': { expect: PUBLIC, skip: 'embedded mode only; guarded by OutboxAccessGuard (loopback vs network)' },
  'GET /outbox/:id': { expect: PUBLIC, skip: 'embedded mode only' },
  'GET /outbox/:id/html': { expect: PUBLIC, skip: 'embedded mode only' },
};

const REASON = 'Passt gerade nicht.';
const PROFILE_A = { topics: ['leerstand', 'mobilitaet'], description: '', capacity: 3, challenges: [], experiences: [] };
const colleague = (who: Identity, via: string) => ({
  email: `kollegin-${who}-${via}@stadt.test`.toLowerCase(),
  displayName: 'Kollegin Test',
  contactFunction: 'staff',
});
/** The scenario's ids, filled in beforeAll (route parameters and bodies read them). */
const refs = {} as Record<Ref, string>;

const keyOf = (r: AppRoute) => `${r.method.toUpperCase()} ${r.path}`;

function classify(res: request.Response): Cls {
  if (res.status >= 500) return 'error';
  if (res.status === 401) return 'login';
  const location = String(res.headers.location ?? '');
  if (res.status >= 300 && res.status < 400 && /^(https?:\/\/[^/]+)?\/anmelden/.test(location)) return 'login';
  if (res.status === 403) return 'forbidden';
  if (res.status === 404) return 'notFound';
  if (res.status === 409) return 'refused';
  return 'ok';
}

describe('authorisation matrix: every route × every kind of caller (issue 24)', () => {
  let t: TestApp;
  let towns: SeededTown[];
  let townA: SeededTown;
  let townB: SeededTown;
  let partnerC: SeededTown; // verified, hides a challenge topic
  let fullD: SeededTown; // verified, no free tandem capacity, hides the same topic
  let paused: SeededTown;
  let pending: Awaited<ReturnType<typeof registerConfirmAndLogin>>;
  let rejected: Awaited<ReturnType<typeof registerConfirmAndLogin>>;
  let applicant: Awaited<ReturnType<typeof registerConfirmAndLogin>>;
  let office: Agent;
  const agents = new Map<Identity, Agent | null>();
  const emails: Partial<Record<Identity, string>> = {};

  async function login(email: string): Promise<Agent> {
    const agent = request.agent(t.url);
    await agent.post('/api/auth/login').send({ email, password: STRONG_PASSWORD }).expect(200);
    return agent;
  }

  beforeAll(async () => {
    t = await bootApp('authz_matrix', { LOGIN_RATE_LIMIT: '1000', LOGIN_ACCOUNT_RATE_LIMIT: '1000', REGISTRATION_RATE_LIMIT: '10000' });
    const hash = await hashPassword(STRONG_PASSWORD, TEST_PASSWORD_HASH);
    towns = await seedTowns(t.db, 6, { prefix: 'az' });
    await t.db.query(`UPDATE user_account SET password_hash = $1 WHERE town_id IS NOT NULL`, [hash]);
    await t.db.query(`UPDATE town SET capacity = 3`);
    let eTown: SeededTown;
    [townA, townB, partnerC, paused, fullD, eTown] = towns;
    await t.db.query(`UPDATE town SET opted_out = true WHERE id = $1`, [paused.id]);
    await createOfficeUser(t.db, 'office@akademie.test', hash);
    office = await login('office@akademie.test');
    const agentA = await login(townA.contacts[0].email);

    // Profiles: A and B on Leerstand and Mobilität; C and D keep a Klimaschutz challenge for the office (D has no capacity).
    for (const town of [townA, townB]) {
      await (town === townA ? agentA : await login(town.contacts[0].email))
        .put(`/api/towns/${town.id}/profile`)
        .send({ topics: ['leerstand', 'mobilitaet'], description: '', capacity: 3, challenges: [], experiences: [] })
        .expect(200);
    }
    for (const [town, capacity] of [
      [partnerC, 3],
      [fullD, 0],
    ] as const) {
      await (
        await login(town.contacts[0].email)
      )
        .put(`/api/towns/${town.id}/profile`)
        .send({
          topics: ['leerstand'],
          description: '',
          capacity,
          challenges: [{ topic: 'klimaschutz', text: 'Wärmeplanung steht an', urgency: 3 }],
          experiences: [{ topic: 'leerstand', tried: 'Leerstandskataster', outcome: 'gut' }],
          visibility: { challenges: 'office' },
        })
        .expect(200);
    }

    // Pending, rejected and a third applicant (the office's decision routes act on it) register through the API.
    await insertMunicipalities(t, TEST_TOWNS);
    pending = await registerConfirmAndLogin(t, TEST_TOWNS[0].ags, 'bm@wartend.test');
    rejected = await registerConfirmAndLogin(t, TEST_TOWNS[1].ags, 'bm@abgelehnt.test');
    applicant = await registerConfirmAndLogin(t, TEST_TOWNS[2].ags, 'bm@antrag.test');
    await office.post(`/api/admin/towns/${rejected.townId}/reject`).send({ reason: 'Keine Rückmeldung aus dem Rathaus' }).expect(200);

    // A's resources: a tandem request to E, a published workshop A is invited to (B is not).
    await computeMatching(t, ['suggestions']);
    const tandem = await agentA.post('/api/tandems').send({ partnerTownId: eTown.id, topic: 'leerstand' }).expect(201);
    const ws = (await office.post('/api/workshops').send({ theme: 'leerstand', title: 'Leerstand' }).expect(201)).body;
    for (const town of [townA, partnerC, fullD, eTown]) await office.post(`/api/workshops/${ws.id}/invitations`).send({ townId: town.id });
    const when = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10) + 'T10:00';
    await office
      .patch(`/api/workshops/${ws.id}`)
      .send({ startsAt: when, format: 'online', onlineLink: 'https://konferenz.example/x' })
      .expect(200);
    await office.post(`/api/workshops/${ws.id}/publish`).expect(200);
    const [run] = (await t.db.query(`SELECT id FROM matching_run WHERE is_current LIMIT 1`)).rows;
    const practice = (await agentA.post('/api/practices').send({ origin: 'own' }).expect(201)).body;
    // A published event with a registration of A's (issue 28).
    const day = (d: number, h: number) => `${new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10)}T${h}:00`;
    const ev = (
      await office
        .post('/api/events')
        .send({
          kind: 'forum',
          title: 'Matrix-Forum',
          format: 'online',
          onlineLink: 'https://konferenz.example/forum',
          startsAt: day(30, 10),
          endsAt: day(30, 12),
          registrationDeadline: day(20, 10),
          placesTotal: 50,
        })
        .expect(201)
    ).body;
    await office.post(`/api/events/${ev.id}/publish`).expect(200);
    const registration = (
      await agentA.post(`/api/events/${ev.id}/registrations`).send({ name: 'Anna Matrix', email: 'anna@matrix.test' }).expect(201)
    ).body;
    // A's proposal of an event it hosts, waiting for the office (issue 28, phase 2).
    const proposal = (
      await agentA
        .post('/api/events/proposals')
        .send({
          kind: 'besuch_vor_ort',
          title: 'Matrix-Besuch',
          format: 'in_person',
          address: 'Rathaus, Markt 1, 12345 Matrixstadt',
          startsAt: day(40, 10),
          endsAt: day(40, 14),
          registrationDeadline: day(30, 10),
          placesTotal: 12,
        })
        .expect(201)
    ).body;

    Object.assign(refs, {
      townA: townA.id,
      contactA: townA.contacts[0].id,
      tandemA: tandem.body.id,
      workshopA: ws.id,
      practiceA: practice.id,
      eventA: ev.id,
      registrationA: registration.id,
      proposalA: proposal.id,
      applicant: applicant.townId,
      runId: run.id,
      someUuid: SOME_UUID,
      haupt: 'haupt',
    });
    Object.assign(emails, {
      pending: 'bm@wartend.test',
      townB: townB.contacts[0].email,
      townA: townA.contacts[0].email,
      office: 'office@akademie.test',
    });
    agents.set('anonymous', null);
    agents.set('pending', pending.agent);
    agents.set('rejected', rejected.agent);
    agents.set('townB', await login(townB.contacts[0].email));
    agents.set('townA', agentA);
    agents.set('office', office);
  }, 300_000);
  afterAll(() => t?.close());

  it('every route of the app is classified here (a new route must be added to ROUTES)', () => {
    const have = listRoutes(t.app).map(keyOf);
    const missing = have.filter((k) => !(k in ROUTES));
    expect(missing).toEqual([]);
  });

  it('the request page does not open for a pending, rejected, paused or the own town, and says the same as for an unknown id', async () => {
    const a = agents.get('townA')!;
    const targets: [string, string, string | null][] = [
      ['pending town', pending.townId, TEST_TOWNS[0].name],
      ['rejected town', rejected.townId, TEST_TOWNS[1].name],
      ['paused town', paused.id, paused.name],
      ['own town', townA.id, null],
      ['unknown id', SOME_UUID, null],
    ];
    const seen: Record<string, string> = {};
    for (const [label, id, name] of targets) {
      const res = await a.get(`/tandems/anfragen/${id}`).redirects(0);
      const hint = name && res.text.includes(name) ? `, names ${name}` : '';
      seen[label] = `${res.status}${hint}`;
    }
    const unknown = seen['unknown id'];
    expect(unknown).toMatch(/^(403|404)$/);
    expect(seen).toEqual(Object.fromEntries(targets.map(([label]) => [label, unknown])));
    // Control: a verified, active town opens.
    expect((await a.get(`/tandems/anfragen/${townB.id}`).redirects(0)).status).toBe(200);
    // The pending and the rejected applicant cannot open it for a verified town either.
    expect({
      pending: classify(await pending.agent.get(`/tandems/anfragen/${townB.id}`).redirects(0)),
      rejected: classify(await rejected.agent.get(`/tandems/anfragen/${townB.id}`).redirects(0)),
    }).toEqual({ pending: expect.stringMatching(/^(forbidden|notFound)$/), rejected: 'login' });
  });

  it('asking a pending, rejected, paused or unknown town for a tandem gets one answer (status and code), no hint which', async () => {
    const a = agents.get('townA')!;
    const answers: Record<string, string> = {};
    for (const [label, id] of [
      ['pending town', pending.townId],
      ['rejected town', rejected.townId],
      ['paused town', paused.id],
      ['unknown id', SOME_UUID],
    ] as const) {
      const res = await a.post('/api/tandems').send({ partnerTownId: id });
      answers[label] = `${res.status} ${(res.body as { error?: string }).error}`;
    }
    expect(answers).toEqual(Object.fromEntries(Object.keys(answers).map((k) => [k, answers['unknown id']])));
  });

  it.each([
    ['a town with free capacity', () => partnerC],
    ['a town without free capacity', () => fullD],
  ])('a topic %s keeps hidden answers like a topic that does not exist (status and code)', async (_label, partnerOf) => {
    const a = agents.get('townA')!;
    const partner = partnerOf();
    const ask = async (topic: string) => {
      const res = await a.post('/api/tandems').send({ partnerTownId: partner.id, topic });
      return `${res.status} ${(res.body as { error?: string }).error}`;
    };
    // First the two that must be refused, then the hidden one (which, if it is accepted, opens a tandem).
    const answers = {
      'no such topic': await ask('gibt-es-nicht'),
      'a topic neither town named': await ask('tourismus'),
      'the partner’s hidden challenge topic': await ask('klimaschutz'),
    };
    expect(answers).toEqual({
      'no such topic': answers['no such topic'],
      'a topic neither town named': answers['no such topic'],
      'the partner’s hidden challenge topic': answers['no such topic'],
    });
    // The request page does not offer it either.
    const page = await a.get(`/tandems/anfragen/${partner.id}`);
    expect({ offersHiddenTopic: page.text.includes('value="klimaschutz"') }).toEqual({ offersHiddenTopic: false });
  });

  it('every route × every caller answers with the class it must (no 5xx)', async () => {
    const wrong: string[] = [];
    const routes = listRoutes(t.app).filter((r) => ROUTES[keyOf(r)] && !ROUTES[keyOf(r)].skip);
    // Session-ending routes last, so one caller's session lasts through its row.
    routes.sort((x, y) => Number(!!ROUTES[keyOf(x)].endsSession) - Number(!!ROUTES[keyOf(y)].endsSession));
    for (const who of IDENTITIES) {
      let agent = agents.get(who) ?? request.agent(t.url);
      let csrf = await formToken(agent, '/passwort-vergessen');
      for (const route of routes) {
        const spec = ROUTES[keyOf(route)];
        const fill = Object.fromEntries(paramsOf(route.path).map((p) => [p, refs[spec.params?.[p] ?? 'someUuid']]));
        const path = fillPath(route.path, fill).replace(/\{\*\w+\}/, 'gibt-es-nicht');
        const page = !path.startsWith('/api/');
        const body = spec.body?.(who) ?? {};
        let req = agent[route.method](path).redirects(0);
        if (route.method !== 'get') req = page ? req.type('form').send({ ...body, _csrf: csrf }) : req.send(body);
        const res = await req;
        const got = classify(res);
        const allowed = ([] as Cls[]).concat(spec.expect[who]);
        if (allowed.includes('ok')) allowed.push('refused');
        if (!allowed.includes(got)) {
          wrong.push(`${route.method.toUpperCase()} ${route.path} as ${who}: expected ${allowed.join('|')}, got ${got} (${res.status})`);
        }
        if (spec.endsSession && emails[who]) {
          agent = await login(emails[who]);
          csrf = await formToken(agent, '/passwort-vergessen');
        }
      }
    }
    expect(wrong).toEqual([]);
  }, 300_000);
});
