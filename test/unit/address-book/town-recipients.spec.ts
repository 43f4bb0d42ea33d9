import { CONTACT_FUNCTION_DE } from '../../../src/auth/contact-function.util';
import {
  addressBookUnsubscribeHeaders,
  addressBookUnsubscribeUrl,
  verifyAddressBookUnsubscribe,
} from '../../../src/accounts/address-book/address-book-unsubscribe.util';
import { parseAddressBookInput } from '../../../src/accounts/address-book/address-book-input.util';
import {
  addToReport,
  emptyMailReport,
  mailReportView,
  mergeReports,
  resolveRecipients,
  withAddressBookVariant,
  type AccountRecipientRow,
  type AddressBookRecipientRow,
} from '../../../src/accounts/address-book/town-recipients.util';

const T1 = '11111111-1111-4111-8111-111111111111';
const T2 = '22222222-2222-4222-8222-222222222222';
const account = (id: string, townId: string, email: string): AccountRecipientRow => ({
  id,
  townId,
  email,
  displayName: `Konto ${id}`,
  contactFunction: 'mayor',
});
const entry = (id: string, townId: string, email: string, over: Partial<AddressBookRecipientRow> = {}): AddressBookRecipientRow => ({
  id,
  townId,
  email,
  displayName: `Eintrag ${id}`,
  contactFunction: 'staff',
  source: 'Website der Gemeinde',
  optedOutAt: null,
  claimedUserId: null,
  ...over,
});

describe('who receives a town mail (issue 25)', () => {
  it('accounts first, then address-book entries that are not opted out, not claimed and not already an account (case-insensitive)', () => {
    const out = resolveRecipients(
      [account('a1', T1, 'Bgm@Stadt.test')],
      [
        entry('e1', T1, ' bgm@stadt.TEST '), // the account's address: no second mail
        entry('e2', T1, 'presse@stadt.test'),
        entry('e3', T1, 'weg@stadt.test', { optedOutAt: new Date() }),
        entry('e4', T1, 'uebernommen@stadt.test', { claimedUserId: 'u9' }),
        entry('e5', T1, 'PRESSE@stadt.test'), // the same address twice in the book: once
        entry('e6', T2, 'bgm@stadt.test'), // another town: its own recipient
      ],
    );
    expect(out.map((r) => [r.id, r.kind])).toEqual([
      ['a1', 'account'],
      ['e2', 'address_book'],
      ['e6', 'address_book'],
    ]);
    expect(out[1]).toMatchObject({ source: 'Website der Gemeinde', townId: T1 });
  });

  it('nobody at all is an empty list', () => {
    expect(resolveRecipients([], [entry('e1', T1, 'x@y.test', { optedOutAt: new Date() })])).toEqual([]);
  });

  it('the report names each recipient with the German role, and each town with nobody once; reports merge without repeats', () => {
    const r = emptyMailReport();
    addToReport(r, { id: T1, name: 'Seelow' }, resolveRecipients([], [entry('e2', T1, 'p@s.test')]));
    addToReport(r, { id: T2, name: 'Penkun' }, []);
    addToReport(r, { id: T2, name: 'Penkun' }, []);
    expect(r).toEqual({
      recipients: [
        { townId: T1, townName: 'Seelow', name: 'Eintrag e2', function: 'staff', functionLabel: 'Verwaltung', kind: 'address_book' },
      ],
      unreachableTowns: [{ townId: T2, townName: 'Penkun' }],
    });
    expect(mergeReports([r, r])).toEqual(r);
    expect(mailReportView(r)).toEqual({
      sentTo: ['Eintrag e2 (Verwaltung, Seelow; aus dem Adressbuch, noch ohne Konto)'],
      nobody: [{ townName: 'Penkun', link: `/geschaeftsstelle/kommunen/${T2}#adressbuch-h` }],
    });
    expect(mailReportView(emptyMailReport())).toBeNull();
  });
});

describe('the address-book input (issue 25)', () => {
  const valid = { displayName: ' Petra  Post ', contactFunction: 'mayor', email: ' petra@post.test ', phone: '', source: ' Website ' };

  it('cleans a valid entry', () => {
    expect(parseAddressBookInput(valid)).toEqual({
      entry: { displayName: 'Petra Post', contactFunction: 'mayor', email: 'petra@post.test', phone: null, source: 'Website' },
      problems: [],
    });
  });

  it.each([
    ['email', { email: 'kein-at' }],
    ['email', { email: 'a@b' }],
    ['email', { email: ['a@b.test'] }],
    ['source', { source: '' }],
    ['source', { source: 'x'.repeat(301) }],
    ['source', { source: 42 }],
    ['displayName', { displayName: 'www.evil.example' }],
    ['contactFunction', { contactFunction: 'kaiser' }],
    ['phone', { phone: '<script>' }],
    ['phone', { phone: {} }],
  ])('refuses a bad %s with a German message', (field, over) => {
    const { entry, problems } = parseAddressBookInput({ ...valid, ...over });
    expect(entry).toBeNull();
    expect(problems.map((p) => p.field)).toEqual([field]);
    expect(problems[0].messageDe).toMatch(/^Bitte|^Die Telefonnummer/);
  });
});

describe('the one-click link of an address-book entry (issue 25)', () => {
  const id = '33333333-3333-4333-8333-333333333333';

  it('is signed: the link verifies, a changed id or signature does not, and the headers carry it (RFC 8058)', () => {
    const url = addressBookUnsubscribeUrl('https://tandem.example', 'geheim', id);
    const q = new URL(url).searchParams;
    expect(url.startsWith('https://tandem.example/keine-weiteren-mails?k=')).toBe(true);
    expect(verifyAddressBookUnsubscribe('geheim', q.get('k'), q.get('s'))).toBe(true);
    expect(verifyAddressBookUnsubscribe('anders', q.get('k'), q.get('s'))).toBe(false);
    expect(verifyAddressBookUnsubscribe('geheim', T1, q.get('s'))).toBe(false);
    expect(verifyAddressBookUnsubscribe('geheim', 'kaputt', q.get('s'))).toBe(false);
    expect(verifyAddressBookUnsubscribe('geheim', id, undefined)).toBe(false);
    expect(addressBookUnsubscribeHeaders(url)).toEqual({
      'List-Unsubscribe': `<${url}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
  });
});

describe('one batch of mails per town (issue 25)', () => {
  it('gives an address-book entry its own template, source, role and opt-out link, and leaves accounts as they are', () => {
    const [acc, ab] = resolveRecipients([account('a1', T1, 'a@x.test')], [entry('e1', T1, 'e@x.test')]);
    const out = withAddressBookVariant([acc, ab], 'tandem-proposed-address-book', (id) => `https://kt.test/keine-weiteren-mails?k=${id}`);
    expect(out[0]).toEqual(acc);
    expect(out[1]).toMatchObject({ ...ab, variant: { template: 'tandem-proposed-address-book' } });
    expect(out[1].variant!.extra).toEqual({
      functionLabel: CONTACT_FUNCTION_DE.staff,
      source: 'Website der Gemeinde',
      unsubscribeUrl: 'https://kt.test/keine-weiteren-mails?k=e1',
    });
    expect(out[1].variant!.headers).toEqual(addressBookUnsubscribeHeaders('https://kt.test/keine-weiteren-mails?k=e1'));
  });
});
