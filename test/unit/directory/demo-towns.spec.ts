import fixture from '../../../src/commands/seeds/demo-towns.fixture.json';
import { readBundledDirectory } from '../../../src/municipalities/directory/bundled-directory.util';

// The demo pilot towns are real municipalities: the seed takes their facts from the directory, by AGS.
const PILOT_TOWNS = [
  'Seelow',
  'Bad Soden-Salmünster',
  'Penkun',
  'Stadtroda',
  'Zwönitz',
  'Demmin',
  'Münnerstadt',
  'Bönen',
  'Eilenburg',
  'Osterburg (Altmark)',
  'Großräschen',
  'Wurzen',
  'Bad Berleburg',
  'Mücheln (Geiseltal)',
  'Laucha an der Unstrut',
  'Bad Lobenstein',
  'Rodewisch',
  'Nieheim',
  'Marienmünster',
  'Drebkau',
  'Seehausen (Altmark)',
  'Schieder-Schwalenberg',
  'Vlotho',
  'Wittenberge',
  'Mölln',
  'Dießen am Ammersee',
  'Oestrich-Winkel',
  'Dippoldiswalde',
];

describe('demo towns fixture', () => {
  const directory = new Map(readBundledDirectory().records.map((r) => [r.ags, r]));
  const towns = fixture.towns;

  it('names every pilot town by an AGS of the bundled directory, with the directory name', () => {
    expect(towns.map((t) => ({ ags: t.ags, name: directory.get(t.ags)?.name }))).toEqual(towns.map((t) => ({ ags: t.ags, name: t.name })));
    expect(new Set(towns.map((t) => t.ags)).size).toBe(towns.length);
    expect(towns.map((t) => t.name).sort()).toEqual([...PILOT_TOWNS].sort());
  });

  it('resolves names that exist more than once to the right Land', () => {
    const state = (name: string) => directory.get(towns.find((t) => t.name === name)!.ags)!.stateName;
    expect([state('Mölln'), state('Seehausen (Altmark)'), state('Dippoldiswalde')]).toEqual([
      'Schleswig-Holstein',
      'Sachsen-Anhalt',
      'Sachsen',
    ]);
  });

  it('marks every profile as demo data and names the sources', () => {
    for (const t of towns) {
      expect(t.profile.description).toContain(t.name);
      expect(t.profile.description).toContain('(Demodaten)');
    }
    expect(fixture._source).toContain(
      'Quelle: Statistisches Bundesamt (Destatis), Gemeindeverzeichnis-Informationssystem GV-ISys, Stand 31.12.2023',
    );
  });
});
