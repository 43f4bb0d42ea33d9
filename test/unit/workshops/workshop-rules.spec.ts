import { checkInvitable, checkWorkshopRules, RuleCode, RuleTown } from '../../../src/workshops/workshop-rules.util';

const town = (name: string, stateCode: string, over: Partial<RuleTown> = {}): RuleTown => ({
  id: name,
  name,
  stateCode,
  stateName: {
    '12': 'Brandenburg',
    '13': 'Mecklenburg-Vorpommern',
    '06': 'Hessen',
    '09': 'Bayern',
    '08': 'Baden-Württemberg',
    '14': 'Sachsen',
    '03': 'Niedersachsen',
  }[stateCode]!,
  verified: true,
  optedOut: false,
  experienced: false,
  ...over,
});
const good = [town('Penkun', '13', { experienced: true }), town('Seelow', '12'), town('Alsfeld', '06'), town('Wunsiedel', '09')];

// Each rule broken alone, then together: the code, the towns named, and both languages.
describe('workshop rules', () => {
  const cases: [string, RuleTown[], { code: RuleCode; towns: string[]; de: RegExp; en: RegExp }[]][] = [
    ['four towns of four states, one experienced', good, []],
    ['six towns', [...good, town('Weil', '08'), town('Zittau', '14')], []],
    ['three towns', good.slice(0, 3), [{ code: 'group_size', towns: [], de: /4 bis 6 Kommunen; es sind 3/, en: /4 to 6 towns; it has 3/ }]],
    [
      'seven towns',
      [...good, town('Weil', '08'), town('Zittau', '14'), town('Celle', '03')],
      [{ code: 'group_size', towns: [], de: /es sind 7/, en: /it has 7/ }],
    ],
    [
      'two towns of Brandenburg',
      [...good, town('Beeskow', '12')],
      [
        {
          code: 'same_state',
          towns: ['Beeskow', 'Seelow'],
          de: /Beeskow und Seelow liegen alle in Brandenburg/,
          en: /Beeskow and Seelow are all in Brandenburg/,
        },
      ],
    ],
    [
      'no experienced town',
      good.map((t) => ({ ...t, experienced: false })),
      [
        {
          code: 'no_experienced_town',
          towns: ['Penkun', 'Seelow', 'Alsfeld', 'Wunsiedel'],
          de: /keine von Penkun, Seelow, Alsfeld und Wunsiedel/,
          en: /none of Penkun/,
        },
      ],
    ],
    [
      'an unverified town',
      [...good.slice(0, 3), town('Wunsiedel', '09', { verified: false })],
      [{ code: 'town_not_verified', towns: ['Wunsiedel'], de: /Wunsiedel ist noch nicht bestätigt/, en: /Wunsiedel is not verified/ }],
    ],
    [
      'an opted-out town',
      [...good.slice(0, 3), town('Wunsiedel', '09', { optedOut: true })],
      [{ code: 'town_opted_out', towns: ['Wunsiedel'], de: /Wunsiedel nimmt derzeit nicht teil/, en: /Wunsiedel does not take part/ }],
    ],
    [
      'three rules at once',
      [town('Penkun', '13'), town('Pasewalk', '13'), town('Seelow', '12')],
      [
        { code: 'group_size', towns: [], de: /es sind 3/, en: /it has 3/ },
        { code: 'same_state', towns: ['Pasewalk', 'Penkun'], de: /Pasewalk und Penkun/, en: /Pasewalk and Penkun/ },
        { code: 'no_experienced_town', towns: ['Penkun', 'Pasewalk', 'Seelow'], de: /Erfahrung/, en: /experience/ },
      ],
    ],
  ];
  it.each(cases)('%s', (_name, towns, expected) => {
    const v = checkWorkshopRules(towns);
    expect(v.map((x) => ({ code: x.code, towns: x.towns }))).toEqual(expected.map((e) => ({ code: e.code, towns: e.towns })));
    v.forEach((x, i) => {
      expect(x.messageDe).toMatch(expected[i].de);
      expect(x.message).toMatch(expected[i].en);
    });
  });

  it('a single town is invitable only when verified and not opted out', () => {
    expect(checkInvitable(town('Penkun', '13'))).toEqual([]);
    expect(checkInvitable(town('Penkun', '13', { verified: false })).map((v) => v.code)).toEqual(['town_not_verified']);
    expect(checkInvitable(town('Penkun', '13', { optedOut: true })).map((v) => v.code)).toEqual(['town_opted_out']);
  });
});
