// Which mails go out with the Geschäftsstelle's mailbox (MAIL_REPLY_TO) as Reply-To. The sender is a no-reply address
// (MAIL_FROM), so a mail whose text asks the reader to answer it, or to tell the Geschäftsstelle something, must carry
// the office's Reply-To, or the answer goes nowhere. A unit test renders every template and holds text and list together.

/** Templates whose text invites an answer by mail; MailService sets Reply-To for them unless the caller set one. */
export const OFFICE_REPLY_TEMPLATES: ReadonlySet<string> = new Set([
  'town-rejected',
  'password-changed',
  'email-change-notice',
  'tandem-requested',
  'tandem-proposed',
  'tandem-paired',
  'tandem-start-reminder',
  'tandem-fit-check',
  'tandem-result-requested',
  'tandem-silence',
  'town-dormant',
  'tandem-update',
  'workshop-invitation',
  'workshop-update',
  'workshop-confirmed',
  'workshop-reminder',
  'workshop-cancelled',
  'workshop-withdrawn',
  // Issue 25: mails to the office's address-book entries (no account yet) and its claim invitation.
  'tandem-proposed-address-book',
  'workshop-invitation-address-book',
  'town-claim-invitation',
  // Issue 28: events.
  'event-invitation',
  'event-invitation-address-book',
  'event-registration',
  'event-cancelled',
  'event-update',
  'event-reminder',
]);

/** Does a mail text ask the reader to answer it or to write to the Geschäftsstelle? */
export const asksForReply = (text: string): boolean =>
  /antworten Sie[^.\n]*auf diese E-Mail|Antwort auf diese E-Mail|informieren Sie die Geschäftsstelle|wenden Sie sich an die Geschäftsstelle/i.test(
    text,
  );

/** The Reply-To a delivery goes out with: the caller's, else the office's for the templates above, else none. */
export const replyToFor = (template: string, given: string | null | undefined, officeMailbox: string): string | null =>
  given ?? (OFFICE_REPLY_TEMPLATES.has(template) ? officeMailbox : null);
