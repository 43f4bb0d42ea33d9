import { Injectable } from '@nestjs/common';
import { contactFunctionLabel } from '../../auth/contact-function.util';
import { CONTACT_FUNCTION_DE } from '../../auth/contact-function.util';
import { AddressBookEntry } from './address-book.repository';
import { AddressBookService } from './address-book.service';
import { TownRecipientsRepository } from './town-recipients.repository';

/** What "erledigt" after a form on the address book says. */
const ADDRESS_BOOK_DONE: Record<string, string> = {
  aufgenommen: 'Die Person wurde ins Adressbuch aufgenommen.',
  geaendert: 'Der Eintrag wurde geändert.',
  entfernt: 'Der Eintrag wurde entfernt.',
  eingeladen:
    'Die Einladung, das Konto der Kommune zu übernehmen, wurde versendet (oder die Person erhält einen Hinweis, falls die Adresse schon ein Konto hat).',
};

/** One entry as the API answers it. */
export function addressBookEntryJson(e: AddressBookEntry) {
  return {
    id: e.id,
    townId: e.townId,
    displayName: e.displayName,
    contactFunction: e.contactFunction,
    functionLabel: contactFunctionLabel(e.contactFunction, 'Ansprechperson'),
    email: e.email,
    phone: e.phone,
    source: e.source,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
    optedOutAt: e.optedOutAt,
    claimedUserId: e.claimedUserId,
  };
}

export interface AddressBookForm {
  displayName?: string;
  contactFunction?: string;
  email?: string;
  phone?: string;
  source?: string;
}

/** The address-book section of the office's town page (templates/pages/partials/town_address_book.hbs). */
@Injectable()
export class AddressBookViewModel {
  constructor(
    private readonly book: AddressBookService,
    private readonly recipients: TownRecipientsRepository,
  ) {}

  async section(townId: string, opts: { done?: string; errors?: string[]; form?: AddressBookForm; editId?: string } = {}) {
    const [{ townName, entries }, reach] = await Promise.all([
      this.book.list(townId),
      this.recipients.forTownsNow([townId]).then((r) => r.get(townId) ?? []),
    ]);
    const form = opts.editId ? {} : (opts.form ?? {});
    return {
      townId,
      townName,
      done: ADDRESS_BOOK_DONE[opts.done ?? ''] ?? null,
      errors: opts.errors ?? [],
      editing: !!opts.editId,
      form,
      functions: Object.entries(CONTACT_FUNCTION_DE).map(([value, label]) => ({ value, label, selected: value === form.contactFunction })),
      // Who would get a tandem proposal or workshop invitation today, or plainly that nobody would.
      reach: reach.map((r) => ({
        name: r.displayName,
        // Not "functionLabel": the pages have a Handlebars helper of that name.
        roleLabel: contactFunctionLabel(r.contactFunction, 'Ansprechperson'),
        fromAddressBook: r.kind === 'address_book',
      })),
      entries: entries.map((e) => {
        const editing = opts.editId === e.id;
        const values: AddressBookForm = editing && opts.form ? opts.form : { ...e, phone: e.phone ?? '' };
        return {
          ...addressBookEntryJson(e),
          roleLabel: contactFunctionLabel(e.contactFunction, 'Ansprechperson'),
          createdByName: e.createdByName,
          statusLabel: e.claimedUserId
            ? `hat das Konto der Kommune übernommen${e.claimedByName ? ` (${e.claimedByName})` : ''}`
            : e.optedOutAt
              ? 'möchte keine weiteren E-Mails erhalten'
              : 'erhält Tandemvorschläge und Einladungen zu Werkstätten, solange die Kommune kein Konto mit dieser Adresse hat',
          canInvite: !e.claimedUserId && !e.optedOutAt,
          editing,
          editErrors: editing ? (opts.errors ?? []) : [],
          values,
          functions: Object.entries(CONTACT_FUNCTION_DE).map(([value, label]) => ({
            value,
            label,
            selected: value === values.contactFunction,
          })),
        };
      }),
    };
  }
}
