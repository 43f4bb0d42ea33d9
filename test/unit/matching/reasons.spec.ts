import fc from 'fast-check';
import { MatchTown } from '../../../src/matching/core/matching-input.types';
import { buildContext, density, pairTopic, reasonLine, scorePair } from '../../../src/matching/core/score.util';
import { DEFAULT_WEIGHTS } from '../../../src/matching/core/weights';
import { townArb } from './town.factory';

// Issue 11, "Reasons must be true and must say what counted": the pilot-town examples and a property.
const NAMES = { leerstand: 'Leerstand', wohnen: 'Wohnen & neue Wohnformen', mobilitaet: 'Mobilität' };
const town = (over: Partial<MatchTown> & Pick<MatchTown, 'id' | 'population'>): MatchTown => ({
  stateCode: '05',
  stateName: 'Nordrhein-Westfalen',
  areaKm2: 60,
  degurba: 2,
  topics: ['leerstand'],
  challenges: [],
  experiences: [],
  capacity: 1,
  ...over,
});
const badSoden = town({ id: 'bss', name: 'Bad Soden-Salmünster', stateCode: '06', stateName: 'Hessen', population: 13960, areaKm2: 58.59 });
const penkun = town({
  id: 'penkun',
  name: 'Penkun',
  stateCode: '13',
  stateName: 'Mecklenburg-Vorpommern',
  population: 1756,
  areaKm2: 78.87,
  degurba: 3,
  associationName: 'Löcknitz-Penkun',
  associationType: 51,
  associationPopulation: 10615,
});
const laucha = town({
  id: 'laucha',
  name: 'Laucha an der Unstrut',
  stateCode: '15',
  stateName: 'Sachsen-Anhalt',
  population: 2768,
  areaKm2: 31.28,
  degurba: 3,
  associationName: 'Unstruttal',
  associationType: 53,
  associationPopulation: 15098,
});
const vlotho = town({ id: 'vlotho', name: 'Vlotho', population: 18403, areaKm2: 76.93 });

const de = (n: number) => new Intl.NumberFormat('de-DE', { maximumFractionDigits: 0 }).format(Math.round(n));
const rough = (n: number) => {
  const digits = Math.max(0, Math.floor(Math.log10(Math.max(1, n))) - 1);
  return Math.round(n / 10 ** digits) * 10 ** digits;
};

describe('reasons (issue 11)', () => {
  const ctx = buildContext([badSoden, penkun, laucha, vlotho], DEFAULT_WEIGHTS, NAMES);
  const size = (a: MatchTown, b: MatchTown) => scorePair(ctx, a, b).components.find((c) => c.key === 'size')!.reason;

  it("never presents the Gemeindeverband population as the town's own (Bad Soden-Salmünster – Penkun, Laucha – Vlotho)", () => {
    for (const [a, b] of [
      [badSoden, penkun],
      [penkun, badSoden],
      [laucha, vlotho],
      [vlotho, laucha],
    ]) {
      expect(size(a, b)).not.toMatch(/^Beide ca\./);
    }
    expect(size(badSoden, penkun)).toBe(
      'ähnlich groß, mit Gemeindeverband gerechnet (Bad Soden-Salmünster ca. 14.000 Einwohner; Penkun ca. 1.800 Einwohner, im Amt Löcknitz-Penkun zusammen 10.615 Einwohner)',
    );
    expect(size(penkun, badSoden)).toContain('Penkun ca. 1.800 Einwohner, im Amt Löcknitz-Penkun zusammen 10.615 Einwohner');
    expect(size(vlotho, laucha)).toContain(
      'Laucha an der Unstrut ca. 2.800 Einwohner, in der Verbandsgemeinde Unstruttal zusammen 15.098 Einwohner',
    );
    // A town without a Verband gets no such clause.
    expect(size(badSoden, penkun)).not.toMatch(/Bad Soden-Salmünster[^;]*zusammen/);
  });

  it('a town of 2,000 in a Verband of 15,000 and a town of 15,000 are not "Beide ca. 15.000 Einwohner" (issue 25); the score stays', () => {
    const olbernhau = town({
      id: 'olb',
      name: 'Olbernhau',
      population: 2000,
      associationName: 'Olbernhau-Land',
      associationType: 54,
      associationPopulation: 15000,
    });
    const other = town({ id: 'oth', name: 'Vlotho', population: 15000, stateCode: '06', stateName: 'Hessen' });
    const plain = town({ id: 'pl', name: 'Olbernhau', population: 15000 });
    const x = buildContext([olbernhau, other, plain], DEFAULT_WEIGHTS, NAMES);
    const r = scorePair(x, olbernhau, other, true);
    const c = r.components.find((k) => k.key === 'size')!;
    const text =
      'etwa gleich groß, mit Gemeindeverband gerechnet (Olbernhau ca. 2.000 Einwohner, in der Verwaltungsgemeinschaft Olbernhau-Land zusammen 15.000 Einwohner; Vlotho ca. 15.000 Einwohner)';
    expect(c.reason).toBe(text);
    expect(c.reasonOffice).toBe(text);
    // Counted as the Verband's size: the same similarity as two towns of 15,000 (both full).
    expect(c.similarity).toBe(1);
    expect(scorePair(x, plain, other).components.find((k) => k.key === 'size')!.reason).toBe('Beide ca. 15.000 Einwohner');
  });

  it('uses size words that fit the ratio: 5,000 and 19,000 are not "vergleichbar"', () => {
    const a = town({ id: 'a', population: 5000 }),
      b = town({ id: 'b', population: 19000, stateCode: '06', stateName: 'Hessen' });
    const c = town({ id: 'c', population: 5200 }),
      d = town({ id: 'd', population: 10000 });
    const x = buildContext([a, b, c, d], DEFAULT_WEIGHTS, NAMES);
    const words = (p: MatchTown, q: MatchTown) => scorePair(x, p, q).components.find((k) => k.key === 'size')!.reason;
    expect(words(a, b)).toBe('Größenverhältnis etwa 1:4 (ca. 5.000 und 19.000 Einwohner)');
    expect(words(a, b)).not.toMatch(/vergleichbar|ähnlich|Beide/);
    expect(words(a, c)).toBe('ähnlich groß (ca. 5.000 und 5.200 Einwohner)');
    expect(words(a, d)).toBe('Größenverhältnis etwa 1:2 (ca. 5.000 und 10.000 Einwohner)');
  });

  it('situation adds nothing where no true sentence exists (densities 1,000 vs 100 per km², DEGURBA 1 vs 2)', () => {
    const a = town({ id: 'a', population: 10000, areaKm2: 10, degurba: 1 }),
      b = town({ id: 'b', population: 10000, areaKm2: 100, degurba: 2 });
    expect(density(a) / density(b)).toBe(10);
    const sit = scorePair(buildContext([a, b], DEFAULT_WEIGHTS), a, b).components.find((c) => c.key === 'situation')!;
    expect(sit.similarity).toBeGreaterThan(0);
    expect(sit.value).toBe(0);
    expect(sit.reason).toBe('');
  });

  it("writes the office's reasons in the third person, naming both towns", () => {
    const a = town({
      id: 'a',
      name: 'Großräschen',
      population: 8298,
      stateCode: '12',
      stateName: 'Brandenburg',
      challenges: [{ topic: 'leerstand', urgency: 3 }],
    });
    const b = town({
      id: 'b',
      name: 'Wurzen',
      population: 16715,
      stateCode: '14',
      stateName: 'Sachsen',
      experiences: [{ topic: 'leerstand' }],
    });
    const x = buildContext([a, b], DEFAULT_WEIGHTS, NAMES);
    const r = scorePair(x, a, b, true);
    const office = reasonLine(r.components, 'office');
    expect(office).toContain('Großräschen hat die Herausforderung Leerstand ↔ Wurzen hat Erfahrung damit');
    expect(office).toContain('Gemeinsame Themen von Großräschen und Wurzen: Leerstand');
    expect(office).toContain('verschiedene Bundesländer (Großräschen: Brandenburg, Wurzen: Sachsen)');
    expect(office).not.toMatch(/\bIhr|\bIhre|\bderen\b/);
    // The town's own variant stays as it was, and the pair is named its topic.
    expect(reasonLine(r.components)).toContain('Ihre Herausforderung Leerstand ↔ deren Erfahrung mit Leerstand');
    expect(r.topic).toBe('leerstand');
  });

  it('names the topic a pair would work on: an answered challenge first (most urgent), else the rarest shared topic, else none', () => {
    const a = town({
      id: 'a',
      population: 9000,
      topics: ['wohnen', 'leerstand'],
      challenges: [
        { topic: 'mobilitaet', urgency: 1 },
        { topic: 'wohnen', urgency: 3 },
      ],
    });
    const b = town({ id: 'b', population: 9000, topics: ['leerstand'], experiences: [{ topic: 'mobilitaet' }, { topic: 'wohnen' }] });
    const c = town({ id: 'c', population: 9000, topics: ['leerstand', 'mobilitaet'] });
    const d = town({ id: 'd', population: 9000, topics: ['tourismus'] });
    const x = buildContext([a, b, c, d], DEFAULT_WEIGHTS, NAMES);
    expect(pairTopic(x, a, b)).toBe('wohnen');
    expect(pairTopic(x, b, c)).toBe('leerstand');
    expect(pairTopic(x, a, d)).toBeNull();
  });

  it('property: every component that adds to the score has a German reason in both variants, and one that does not has none', () => {
    const named = (id: string) =>
      townArb(id).map((t) => ({
        ...t,
        name: `Stadt ${id}`,
        associationName: t.associationPopulation ? `Verband ${id}` : null,
        associationType: 51,
      }));
    fc.assert(
      fc.property(named('a'), named('b'), fc.constantFrom('near' as const, 'none' as const), (a, b, pref) => {
        const x = buildContext([a, b], { ...DEFAULT_WEIGHTS, distancePreference: pref, nearKm: 400 }, NAMES);
        for (const [p, q] of [
          [a, b],
          [b, a],
        ]) {
          const r = scorePair(x, p, q, true);
          for (const c of r.components) {
            expect({ key: c.key, counts: c.value > 0, town: c.reason !== '', office: c.reasonOffice !== '' }).toEqual({
              key: c.key,
              counts: c.value > 0,
              town: c.value > 0,
              office: c.value > 0,
            });
            if (c.value > 0) {
              // Third person: both towns named where the sentence is about both, never "Ihr …".
              expect(c.reasonOffice).not.toMatch(/\bIhr|\bIhre|\bderen\b/);
            }
          }
          const size = r.components.find((c) => c.key === 'size')!;
          const sizeReason = size.reason;
          // The score compares the effective populations (the Verband's where there is one), as before.
          const eff = (t: MatchTown) => Math.max(1, t.associationPopulation ?? t.population);
          expect(size.similarity).toBeCloseTo(Math.max(0, 1 - Math.abs(Math.log(eff(p)) - Math.log(eff(q))) / Math.log(4)), 12);
          const verband = (t: MatchTown) => t.associationPopulation != null && t.associationPopulation !== t.population;
          if (sizeReason && (verband(p) || verband(q))) {
            // Where a Verband's population is used, the reason says so, and names each town's own population as its own.
            expect(sizeReason).toContain('mit Gemeindeverband gerechnet');
            expect(size.reasonOffice).toBe(sizeReason);
            for (const t of [p, q]) {
              expect(sizeReason).toContain(`${t.name} ca. ${de(rough(t.population))} Einwohner`);
              if (verband(t))
                expect(sizeReason).toContain(`im Amt ${t.associationName} zusammen ${de(t.associationPopulation!)} Einwohner`);
            }
            expect(sizeReason).not.toMatch(/Beide/i);
          }
          // "Beide ca. N" only where neither uses a Verband and both own populations round to N.
          const both = /^Beide ca\. ([\d.]+) Einwohner/.exec(sizeReason);
          if (both) {
            expect(verband(p) || verband(q)).toBe(false);
            expect(de(rough(p.population))).toBe(both[1]);
            expect(de(rough(q.population))).toBe(both[1]);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a name with its own parentheses ("Mücheln (Geiseltal)") is never set inside parentheses: no nested brackets in any reason', () => {
    const muecheln = town({ id: 'mue', name: 'Mücheln (Geiseltal)', stateCode: '15', stateName: 'Sachsen-Anhalt', population: 8400 });
    const rodewisch = town({ id: 'rod', name: 'Rodewisch', stateCode: '14', stateName: 'Sachsen', population: 6400, areaKm2: 55 });
    // Same DEGURBA class, densities far apart: the "beide …, Siedlungsdichte …" wording.
    const sparse = town({
      id: 'osb',
      name: 'Osterburg (Altmark)',
      stateCode: '15',
      stateName: 'Sachsen-Anhalt',
      population: 9400,
      areaKm2: 229,
      degurba: 3,
    });
    const seelow = town({
      id: 'see',
      name: 'Seelow',
      stateCode: '12',
      stateName: 'Brandenburg',
      population: 5700,
      areaKm2: 44,
      degurba: 3,
    });
    const verband = town({ ...laucha, id: 'lau2', name: 'Laucha (Unstrut)' });
    const x = buildContext(
      [muecheln, rodewisch, verband, sparse, seelow],
      { ...DEFAULT_WEIGHTS, distancePreference: 'near', nearKm: 800 },
      NAMES,
    );
    const nested = /\([^()]*\([^()]*\)[^()]*\)/;
    for (const [a, b] of [
      [muecheln, rodewisch],
      [rodewisch, muecheln],
      [verband, rodewisch],
      [seelow, sparse],
      [sparse, seelow],
    ]) {
      const r = scorePair(x, a, b, true);
      const texts = r.components.flatMap((c) => [c.reason, c.reasonOffice]).filter(Boolean);
      expect(texts.length).toBeGreaterThan(2);
      for (const t of texts) expect(t).not.toMatch(nested);
      expect(texts.join(' | ')).toContain((/\(/.test(a.name ?? '') ? a.name : b.name) ?? '');
    }
    const size = scorePair(x, rodewisch, muecheln, true).components.find((c) => c.key === 'size')!;
    expect(size.reasonOffice).toBe(
      'Größenverhältnis etwa 1:1 – Rodewisch ca. 6.400, Mücheln (Geiseltal) ca. 8.400 Einwohner'.replace(
        'Größenverhältnis etwa 1:1',
        'ähnlich groß',
      ),
    );
  });
});
