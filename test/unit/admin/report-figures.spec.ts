import { CAME_ABOUT, NOT_COME_ABOUT, reportTables, STILL_OPEN } from '../../../src/admin/report-figures.util';
import type { ReportFigures } from '../../../src/admin/office.repository';
import { TANDEM_STATES } from '../../../src/tandems/core/tandem-transitions.util';

// Issue 25: declined and withdrawn requests were counted as begun tandems, and the page said "Werkstätten folgen".
// A hand-built year: every number below is counted by hand from this fixture.
const tandem = (state: string, over: Partial<ReportFigures['tandems'][number]> = {}): ReportFigures['tandems'][number] => ({
  state,
  origin: 'request',
  crossState: true,
  topicSlug: 'leerstand',
  networkTowns: [],
  ...over,
});
const figures: ReportFigures = {
  year: 2026,
  networkTowns: [
    { stateCode: '12', stateName: 'Brandenburg', population: 5400, newInYear: true },
    { stateCode: '14', stateName: 'Sachsen', population: 16700, newInYear: false },
  ],
  registrations: { received: 3, verified: 2, rejected: 1, pending: 0 },
  topics: [
    { slug: 'leerstand', name: 'Leerstand', challenge: 2, experience: 1 },
    { slug: 'mobilitaet', name: 'Mobilität', challenge: 0, experience: 1 },
  ],
  tandems: [
    tandem('active', { networkTowns: ['a', 'b'] }),
    tandem('concluded', { origin: 'office_proposal', crossState: false, topicSlug: 'mobilitaet', networkTowns: ['a', 'c'] }),
    tandem('cancelled', { networkTowns: ['d', 'e'] }),
    tandem('declined', { networkTowns: ['f', 'g'] }),
    tandem('withdrawn', { networkTowns: ['f', 'h'] }),
    tandem('rejected', { networkTowns: ['i'] }),
    tandem('expired', { origin: 'office_proposal', networkTowns: ['j', 'k'] }),
    tandem('requested', { networkTowns: ['a', 'l'] }),
    tandem('proposed', { origin: 'office_proposal', topicSlug: null, networkTowns: ['m', 'n'] }),
  ],
  concludedInYear: 4,
  results: [
    { rating: 5, adoption: 'yes', mayPublish: true },
    { rating: 4, adoption: 'partly', mayPublish: false },
    { rating: 2, adoption: 'no', mayPublish: true },
    { rating: 4, adoption: 'planned', mayPublish: false },
    { rating: 3, adoption: 'yes', mayPublish: false },
  ],
  workshops: [
    {
      state: 'documented',
      themeSlug: 'leerstand',
      participants: [
        { townId: 'a', stateCode: '12' },
        { townId: 'b', stateCode: '14' },
        { townId: 'c', stateCode: '15' },
        { townId: 'd', stateCode: '16' },
      ],
    },
    {
      state: 'held',
      themeSlug: 'leerstand',
      participants: [
        { townId: 'a', stateCode: '12' },
        { townId: 'e', stateCode: '01' },
        { townId: 'f', stateCode: '14' },
        { townId: 'g', stateCode: '05' },
      ],
    },
    { state: 'confirmed', themeSlug: 'mobilitaet', participants: [{ townId: 'x', stateCode: '09' }] },
    { state: 'invited', themeSlug: 'mobilitaet', participants: [] },
    { state: 'cancelled', themeSlug: 'leerstand', participants: [{ townId: 'y', stateCode: '08' }] },
  ],
  participation: { profilesUpdated: 5, contacts: 7, optedOut: 1 },
};

describe('Berichtszahlen against a hand-built year', () => {
  const tables = reportTables(figures, '31.12.2026');
  const table = (id: string) => {
    const t = tables.find((x) => x.id === id);
    if (!t) throw new Error(`no table ${id}`);
    return Object.fromEntries(t.rows.map((r) => [r.key, r.values]));
  };

  it('every tandem state is exactly one of: came about, did not, still open', () => {
    expect([...CAME_ABOUT, ...NOT_COME_ABOUT, ...STILL_OPEN].sort()).toEqual([...TANDEM_STATES].sort());
  });

  it('counts only tandems that came about as tandems; declined, withdrawn, rejected and expired only as requests', () => {
    expect(table('tandems')).toEqual({
      neu: [9],
      vorschlag: [3],
      zustande: [3], // active, concluded, cancelled
      laenderuebergreifend: [2], // the concluded one stayed within its Land
      'nicht-zustande': [4],
      offen: [2],
      abgeschlossen: [4],
    });
    expect(table('themen')).toEqual({ leerstand: [2, 1, 2, 2], mobilitaet: [0, 1, 1, 0] });
    const p = table('beteiligung');
    expect(p['mit-tandem']).toEqual([5]); // a, b, c, d, e
    expect(p['mit-anfrage']).toEqual([14]); // a … n
    expect(table('tandem-stand')).toMatchObject({ declined: [1], withdrawn: [1], alle: [9] });
    expect(tables.find((t) => t.id === 'tandem-stand')!.title).toBe('Die 2026 gestellten Anfragen und Vorschläge nach heutigem Stand');
  });

  it("sums up the towns' results of the concluded tandems: count, mean rating, how far taken over, publishable", () => {
    expect(table('tandem-ergebnisse')).toEqual({
      eingetragen: [5],
      bewertung: [3.6],
      'uebernommen-ja': [2],
      'uebernommen-teilweise': [1],
      'uebernommen-geplant': [1],
      'uebernommen-nein': [1],
      veroeffentlichen: [2],
    });
  });

  it('shows true workshop figures: held and documented, planned, cancelled, participating towns, Länder and themes', () => {
    expect(table('werkstaetten')).toEqual({
      durchgefuehrt: [2],
      dokumentiert: [1],
      geplant: [2],
      abgesagt: [1],
      kommunen: [7], // a, b, c, d, e, f, g (a took part twice; x and y not in a held one)
      laender: [6], // 12, 14, 15, 16, 01, 05
      themen: [1],
    });
    const text = JSON.stringify(tables);
    expect(text).not.toMatch(/folgen|begonnenen Tandems/);
  });
});
