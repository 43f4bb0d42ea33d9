// Who receives a town's mail (issue 25): its confirmed accounts, plus the office's address-book entries that did not
// opt out, were not taken over by an account and whose address no account of the town already has. Pure, no Nest or
// database imports.
import { contactFunctionLabel } from '../../auth/contact-function.util';
import { addressBookUnsubscribeHeaders } from './address-book-unsubscribe.util';

type RecipientKind = 'account' | 'address_book';

export interface TownRecipient {
  /** user_account.id for an account, town_contact_person.id for an address-book entry. */
  id: string;
  townId: string;
  email: string;
  displayName: string;
  contactFunction: string | null;
  kind: RecipientKind;
  /** Address-book entries only: where the office found the address (told to the person, DSGVO Art. 14). */
  source?: string;
}

export interface AccountRecipientRow {
  id: string;
  townId: string;
  email: string;
  displayName: string;
  contactFunction: string | null;
}

export interface AddressBookRecipientRow extends AccountRecipientRow {
  source: string;
  optedOutAt: Date | null;
  claimedUserId: string | null;
}

/** Accounts first (in the given order), then the address-book entries that still need a mail of their own. */
export function resolveRecipients(accounts: AccountRecipientRow[], book: AddressBookRecipientRow[]): TownRecipient[] {
  const taken = new Set(accounts.map((a) => `${a.townId}\u0000${a.email.trim().toLowerCase()}`));
  const out: TownRecipient[] = accounts.map((a) => ({ ...a, kind: 'account' as const }));
  for (const b of book) {
    const key = `${b.townId}\u0000${b.email.trim().toLowerCase()}`;
    if (b.optedOutAt || b.claimedUserId || taken.has(key)) continue;
    taken.add(key);
    out.push({
      id: b.id,
      townId: b.townId,
      email: b.email,
      displayName: b.displayName,
      contactFunction: b.contactFunction,
      kind: 'address_book',
      source: b.source,
    });
  }
  return out;
}

/** One recipient as a page or an API answer names it (never the address itself). */
interface ReportedRecipient {
  townId: string;
  townName: string;
  name: string;
  function: string | null;
  functionLabel: string;
  kind: RecipientKind;
}

/** Who got a mail that went out for some towns, and which of them had nobody to receive it. */
export interface MailReport {
  recipients: ReportedRecipient[];
  unreachableTowns: { townId: string; townName: string }[];
}

export const emptyMailReport = (): MailReport => ({ recipients: [], unreachableTowns: [] });

/** Adds what one town's mail reached to `report` (a town named once among the unreachable ones). */
export function addToReport(report: MailReport, town: { id: string; name: string }, recipients: TownRecipient[]): MailReport {
  if (!recipients.length) {
    if (!report.unreachableTowns.some((u) => u.townId === town.id)) report.unreachableTowns.push({ townId: town.id, townName: town.name });
    return report;
  }
  for (const r of recipients) {
    if (report.recipients.some((x) => x.townId === town.id && x.name === r.displayName && x.kind === r.kind)) continue;
    report.recipients.push({
      townId: town.id,
      townName: town.name,
      name: r.displayName,
      function: r.contactFunction,
      functionLabel: contactFunctionLabel(r.contactFunction, 'Ansprechperson'),
      kind: r.kind,
    });
  }
  return report;
}

export function mergeReports(reports: MailReport[]): MailReport {
  const out = emptyMailReport();
  for (const r of reports) {
    for (const x of r.recipients) {
      if (!out.recipients.some((y) => y.townId === x.townId && y.name === x.name && y.kind === x.kind)) out.recipients.push(x);
    }
    for (const u of r.unreachableTowns) if (!out.unreachableTowns.some((v) => v.townId === u.townId)) out.unreachableTowns.push(u);
  }
  return out;
}

/** A mail report as a page shows it, in German: who got the mail, and each town that had nobody (with the fix). */
export function mailReportView(report: MailReport | null | undefined) {
  if (!report || (!report.recipients.length && !report.unreachableTowns.length)) return null;
  return {
    sentTo: report.recipients.map(
      (r) => `${r.name} (${r.functionLabel}, ${r.townName}${r.kind === 'address_book' ? '; aus dem Adressbuch, noch ohne Konto' : ''})`,
    ),
    nobody: report.unreachableTowns.map((u) => ({
      townName: u.townName,
      link: `/geschaeftsstelle/kommunen/${u.townId}#adressbuch-h`,
    })),
  };
}

/** What a delivery's context records about its recipient, so the office's pages can name it later (issue 25). */
export function recipientMeta(r: object): Record<string, unknown> {
  if (!('kind' in r)) return {};
  const x = r as TownRecipient;
  return { recipientTownId: x.townId, recipientKind: x.kind, recipientFunction: x.contactFunction };
}

/** A recipient's own wording in a batch of mails: an address-book entry's template, source and opt-out link. */
export interface MailVariant {
  template: string;
  extra: Record<string, unknown>;
  headers: Record<string, string>;
}

/**
 * The recipients of one town's mail with the address-book entries' variant attached (`template` is the variant's
 * template): one batch per town, so the facts every mail shares are read once.
 */
export function withAddressBookVariant<R extends TownRecipient>(
  recipients: R[],
  template: string,
  unsubscribeUrlOf: (contactId: string) => string,
): (R & { variant?: MailVariant })[] {
  return recipients.map((r) => {
    if (r.kind !== 'address_book') return r;
    const unsubscribeUrl = unsubscribeUrlOf(r.id);
    return {
      ...r,
      variant: {
        template,
        extra: { functionLabel: contactFunctionLabel(r.contactFunction, 'Ansprechperson'), source: r.source, unsubscribeUrl },
        headers: addressBookUnsubscribeHeaders(unsubscribeUrl),
      },
    };
  });
}
