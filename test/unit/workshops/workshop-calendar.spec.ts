import * as ical from 'node-ical';
import { organizerOf } from '../../../src/common/berlin-time.util';
import { workshopCalendar } from '../../../src/workshops/workshop-calendar.util';

// The calendar part of workshop mails, read back two ways: node-ical (what calendar software does with it) and strict
// RFC 5545 checks that node-ical does not make (it accepts "mailto:Name <addr>" without complaint).
const base = {
  workshopId: '1d6a7c1e-0000-4000-8000-000000000001',
  domain: 'tandem.example',
  sequence: 2,
  method: 'REQUEST' as const,
  title: 'Leerstand gemeinsam angehen',
  description: 'Transferwerkstatt zum Thema „Leerstand“ im Kleinstadt-Tandem.\nhttps://tandem.example/werkstaetten/1',
  startsAt: new Date('2026-03-10T09:00:00Z'),
  durationMinutes: 180,
  location: 'Markt 1 (Seelow)',
  url: 'https://tandem.example/werkstaetten/1',
  // The default MAIL_REPLY_TO: a display name and an address, as the service passes it.
  organizer: 'Geschäftsstelle Kleinstadt-Tandem <geschaeftsstelle@kleinstadt-tandem.local>',
  attendee: { name: 'Anna Beispiel', email: 'anna@seelow.example' },
  now: new Date('2026-02-01T08:00:00Z'),
};

/** Unfolds (RFC 5545 3.1) after checking CRLF line ends and the 75-octet limit of every physical line. */
function contentLines(raw: string): string[] {
  expect(raw.endsWith('\r\n')).toBe(true);
  const physical = raw.slice(0, -2).split('\r\n');
  for (const line of physical) {
    expect(line).not.toMatch(/[\r\n]/);
    expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
  }
  return raw
    .slice(0, -2)
    .replace(/\r\n[ \t]/g, '')
    .split('\r\n');
}

// contentline = name *(";" param ) ":" value; param-value = paramtext / quoted-string (no DQUOTE, ";", ":", "," unquoted).
const PARAM = `[A-Za-z0-9-]+=(?:"[^"\\x00-\\x1f]*"|[^";:,\\x00-\\x1f]*)(?:,(?:"[^"\\x00-\\x1f]*"|[^";:,\\x00-\\x1f]*))*`;
const CONTENT_LINE = new RegExp(`^([A-Za-z0-9-]+)((?:;${PARAM})*):(.*)$`);
// A mailto URI of one bare addr-spec (RFC 6068): no display name, no spaces, no angle brackets.
const MAILTO = /^mailto:[^\s<>@"(),;:]+@[A-Za-z0-9.-]+$/i;

function property(lines: string[], name: string): { params: string; value: string } {
  const found = lines.map((l) => CONTENT_LINE.exec(l)).filter((m): m is RegExpExecArray => !!m && m[1].toUpperCase() === name);
  expect(found).toHaveLength(1);
  return { params: found[0][2], value: found[0][3] };
}

describe('workshop calendar file (RFC 5545)', () => {
  it('every content line is well-formed, CRLF-terminated and folded at 75 octets', () => {
    const lines = contentLines(workshopCalendar(base));
    const malformed = lines.filter((l) => !CONTENT_LINE.test(l));
    expect(malformed).toEqual([]);
  });

  it('ORGANIZER is "ORGANIZER;CN=Name:mailto:addr", never "mailto:Name <addr>" (both mailbox forms of MAIL_REPLY_TO)', () => {
    for (const [organizer, name, email] of [
      [base.organizer, 'Geschäftsstelle Kleinstadt-Tandem', 'geschaeftsstelle@kleinstadt-tandem.local'],
      ['"Kleinstadtakademie, Geschäftsstelle" <gs@akademie.example>', 'Kleinstadtakademie, Geschäftsstelle', 'gs@akademie.example'],
      ['gs@akademie.example', 'Geschäftsstelle Kleinstadt-Tandem', 'gs@akademie.example'],
    ]) {
      const raw = workshopCalendar({ ...base, organizer });
      const org = property(contentLines(raw), 'ORGANIZER');
      expect(org.value).toMatch(MAILTO);
      expect(org.value.toLowerCase()).toBe(`mailto:${email}`);
      expect(org.params).toMatch(/;CN=/);
      for (const attendee of contentLines(raw).filter((l) => l.startsWith('ATTENDEE')))
        expect(CONTENT_LINE.exec(attendee)![3]).toMatch(MAILTO);

      const event = Object.values(ical.sync.parseICS(raw)).find((c): c is ical.VEvent => c?.type === 'VEVENT')!;
      const parsed = event.organizer as unknown as { params: { CN: string }; val: string };
      expect(parsed.params.CN).toBe(name);
      expect(parsed.val.toLowerCase()).toBe(`mailto:${email}`);
    }
  });

  it('refuses an organiser without an address rather than writing a broken file', () => {
    expect(() => organizerOf('Geschäftsstelle')).toThrow(/Not a mailbox/);
    expect(organizerOf('Anna <anna@x.example>')).toEqual({ name: 'Anna', email: 'anna@x.example' });
  });
});
