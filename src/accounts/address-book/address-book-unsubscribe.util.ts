// The one-click "keine weiteren Mails" link of an address-book entry (RFC 8058): signed with HMAC, so the link itself
// is the authorisation (the person has no account). Pure, no Nest or database imports.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { isUuid } from '../../common/input.util';

export const ADDRESS_BOOK_UNSUBSCRIBE_PATH = '/keine-weiteren-mails';

const sign = (secret: string, contactId: string) =>
  createHmac('sha256', secret).update(`address-book-unsubscribe:${contactId}`).digest('base64url');

export function addressBookUnsubscribeUrl(appUrl: string, secret: string, contactId: string): string {
  return `${appUrl}${ADDRESS_BOOK_UNSUBSCRIBE_PATH}?k=${contactId}&s=${sign(secret, contactId)}`;
}

/** The headers a mail to an address-book entry carries, so mail programs offer the one-click unsubscribe. */
export function addressBookUnsubscribeHeaders(url: string): Record<string, string> {
  return { 'List-Unsubscribe': `<${url}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}

/** Constant-time check of a link's signature. */
export function verifyAddressBookUnsubscribe(secret: string, contactId: unknown, signature: unknown): contactId is string {
  if (typeof contactId !== 'string' || typeof signature !== 'string' || !isUuid(contactId)) return false;
  const expected = Buffer.from(sign(secret, contactId));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
