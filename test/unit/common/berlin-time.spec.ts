import { DateTime } from 'luxon';
import { formatBerlin } from '../../../src/common/berlin-time.util';

describe('formatBerlin: German date text in Europe/Berlin', () => {
  it('reads as the meeting pages write it', () => {
    expect(formatBerlin(new Date('2027-03-04T09:00:00Z'))).toBe('Donnerstag, 4. März 2027, 10:00 Uhr');
    expect(formatBerlin(new Date('2026-07-01T22:05:00Z'))).toBe('Donnerstag, 2. Juli 2026, 00:05 Uhr');
  });

  it("gives luxon's \"cccc, d. LLLL yyyy, HH:mm 'Uhr'\" for every hour of a year, across both clock changes", () => {
    const start = Date.UTC(2026, 0, 1);
    for (let h = 0; h < 366 * 24; h += 7) {
      const d = new Date(start + h * 3600_000 + (h % 60) * 60_000);
      const luxon = DateTime.fromJSDate(d).setZone('Europe/Berlin').setLocale('de').toFormat("cccc, d. LLLL yyyy, HH:mm 'Uhr'");
      expect(formatBerlin(d)).toBe(luxon);
    }
  });
});
