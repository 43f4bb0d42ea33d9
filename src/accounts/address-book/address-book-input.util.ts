// The office's address-book form and API body, checked in one place (issue 25). Pure, no Nest or database imports.
import { sanitiseDisplayName } from '../display-name.util';
import type { ContactFunction } from '../../auth/user-account.entity';

const CONTACT_FUNCTIONS: readonly ContactFunction[] = ['mayor', 'deputy', 'staff'];
const SOURCE_MIN = 3;
const SOURCE_MAX = 300;
const EMAIL_MAX = 254;
const PHONE_MAX = 40;

export interface AddressBookInput {
  displayName?: unknown;
  contactFunction?: unknown;
  email?: unknown;
  phone?: unknown;
  source?: unknown;
}

export interface ParsedAddressBookEntry {
  displayName: string;
  contactFunction: ContactFunction;
  email: string;
  phone: string | null;
  source: string;
}

export interface InputProblem {
  field: keyof AddressBookInput;
  message: string;
  messageDe: string;
}

const text = (v: unknown) => (typeof v === 'string' ? v : v == null ? '' : null);

/** Every problem of the input (empty when it is fine), or the cleaned entry. */
export function parseAddressBookInput(input: AddressBookInput): { entry: ParsedAddressBookEntry | null; problems: InputProblem[] } {
  const problems: InputProblem[] = [];
  const nameRaw = text(input.displayName);
  const displayName = nameRaw == null ? null : sanitiseDisplayName(nameRaw);
  if (!displayName)
    problems.push({
      field: 'displayName',
      message: "displayName must be 2 to 80 characters: letters, spaces and . - ' only",
      messageDe: "Bitte geben Sie den Namen an (2 bis 80 Zeichen, nur Buchstaben, Leerzeichen und . - ').",
    });
  const fn = input.contactFunction;
  if (typeof fn !== 'string' || !CONTACT_FUNCTIONS.includes(fn as ContactFunction))
    problems.push({
      field: 'contactFunction',
      message: 'contactFunction must be one of mayor, deputy, staff',
      messageDe: 'Bitte wählen Sie die Funktion aus.',
    });
  const email = (text(input.email) ?? '').trim();
  if (email.length > EMAIL_MAX || !/^[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:"]+\.[^\s@<>()[\],;:"]{2,}$/.test(email))
    problems.push({
      field: 'email',
      message: 'email must be a valid email address',
      messageDe: 'Bitte geben Sie eine gültige E-Mail-Adresse an.',
    });
  const phoneRaw = text(input.phone);
  const phone = (phoneRaw ?? '').trim().replace(/\s+/g, ' ');
  if (
    phoneRaw == null ||
    (phone && (phone.length > PHONE_MAX || !/^\+?[0-9(][0-9 ()/-]{3,}$/.test(phone) || (phone.match(/[0-9]/g)?.length ?? 0) < 4))
  )
    problems.push({
      field: 'phone',
      message: `phone may contain digits, spaces and + ( ) / - only (at most ${PHONE_MAX} characters)`,
      messageDe: `Die Telefonnummer darf nur Ziffern, Leerzeichen und + ( ) / - enthalten (höchstens ${PHONE_MAX} Zeichen).`,
    });
  const source = (text(input.source) ?? '').trim().replace(/\s+/g, ' ');
  if (source.length < SOURCE_MIN || source.length > SOURCE_MAX)
    problems.push({
      field: 'source',
      message: `source is required: where the address comes from (${SOURCE_MIN} to ${SOURCE_MAX} characters)`,
      messageDe: `Bitte geben Sie an, woher die Adresse stammt, zum Beispiel „Website der Gemeinde, abgerufen am …“ (${SOURCE_MIN} bis ${SOURCE_MAX} Zeichen).`,
    });
  if (problems.length) return { entry: null, problems };
  return { entry: { displayName: displayName!, contactFunction: fn as ContactFunction, email, phone: phone || null, source }, problems };
}
