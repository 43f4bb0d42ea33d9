import fc from 'fast-check';
import { buildContext, reasonLine, scorePair, SITUATION_MIN } from '../../../src/matching/core/score.util';
import { DEFAULT_WEIGHTS, MatchWeights, validateWeights } from '../../../src/matching/core/weights';
import { MatchTown } from '../../../src/matching/core/matching-input.types';
import { townArb, townsArb } from './town.factory';

const weightsArb: fc.Arbitrary<MatchWeights> = fc.record({
  complement: fc.double({ min: 0, max: 1, noNaN: true }),
  sharedTopics: fc.double({ min: 0, max: 1, noNaN: true }),
  size: fc.double({ min: 0, max: 1, noNaN: true }),
  situation: fc.double({ min: 0, max: 1, noNaN: true }),
  otherState: fc.double({ min: 0.01, max: 1, noNaN: true }),
  distance: fc.double({ min: 0, max: 1, noNaN: true }),
  distancePreference: fc.constantFrom('near' as const, 'none' as const),
  nearKm: fc.integer({ min: 50, max: 600 }),
  requireTopicalBasis: fc.boolean(),
});

const NAMES = { leerstand: 'Leerstand', coworking: 'Digitale Arbeitswelten & Co-Working', mobilitaet: 'Mobilität' };

describe('pair score', () => {
  it('property: symmetric, within [0, 1], components sum to the score', () => {
    fc.assert(
      fc.property(townsArb(2, 6), weightsArb, (towns, w) => {
        const ctx = buildContext(towns, w);
        const [a, b] = towns;
        const ab = scorePair(ctx, a, b),
          ba = scorePair(ctx, b, a);
        expect(ab.score).toBeCloseTo(ba.score, 12);
        expect(ab.score).toBeGreaterThanOrEqual(0);
        expect(ab.score).toBeLessThanOrEqual(1 + 1e-12);
        expect(ab.components.reduce((s, c) => s + c.value, 0)).toBeCloseTo(ab.score, 12);
        for (const c of ab.components) {
          expect(c.similarity).toBeGreaterThanOrEqual(0);
          expect(c.similarity).toBeLessThanOrEqual(1);
          // A component adds to the score exactly when it has a German reason.
          expect({ key: c.key, counts: c.value > 0, reason: c.reason !== '' }).toEqual({
            key: c.key,
            counts: c.value > 0,
            reason: c.value > 0,
          });
        }
        // A component that adds nothing gives no reason.
        expect(ab.components.filter((c) => c.value === 0 && c.reason !== '').map((c) => c.key)).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });

  it("explains a good match in plain German from the viewer's side", () => {
    const base = { areaKm2: 80, degurba: 3, lat: 50, lon: 10, capacity: 1, experiences: [], challenges: [] };
    const us: MatchTown = {
      ...base,
      id: 'a',
      stateCode: '14',
      stateName: 'Sachsen',
      population: 10100,
      topics: ['leerstand'],
      challenges: [{ topic: 'leerstand', urgency: 3 }],
    };
    const them: MatchTown = {
      ...base,
      id: 'b',
      stateCode: '06',
      stateName: 'Hessen',
      population: 9900,
      topics: ['leerstand', 'coworking'],
      experiences: [{ topic: 'leerstand' }],
    };
    const other: MatchTown = { ...base, id: 'c', stateCode: '14', stateName: 'Sachsen', population: 35000, topics: ['mobilitaet'] };
    const ctx = buildContext([us, them, other], DEFAULT_WEIGHTS, NAMES);
    const good = scorePair(ctx, us, them);
    const line = reasonLine(good.components);
    expect(line).toContain('Ihre Herausforderung Leerstand ↔ deren Erfahrung mit Leerstand');
    expect(line).toContain('ähnlich groß (ca. 10.000 und 9.900 Einwohner)');
    expect(line).toContain('anderes Bundesland (Hessen)');
    expect(line.split(' · ')[0]).toBe('Ihre Herausforderung Leerstand ↔ deren Erfahrung mit Leerstand'); // complement weighs most
    expect(reasonLine(scorePair(ctx, them, us).components)).toContain('deren Herausforderung Leerstand ↔ Ihre Erfahrung mit Leerstand');
    expect(good.score).toBeGreaterThan(scorePair(ctx, us, other).score);
  });

  it('writes numbers in the reasons with German thousands separators', () => {
    const base = { areaKm2: 80, degurba: 2, capacity: 1, topics: [], challenges: [], experiences: [] };
    const a: MatchTown = { ...base, id: 'a', stateCode: '11', stateName: 'Berlin', population: 1_234_567, lat: 52.5, lon: 13.4 };
    const b: MatchTown = { ...base, id: 'b', stateCode: '02', stateName: 'Hamburg', population: 1_345_678, lat: 53.55, lon: 10 };
    const c: MatchTown = { ...base, id: 'c', stateCode: '02', stateName: 'Hamburg', population: 450_000, lat: 53.55, lon: 10 };
    const ctx = buildContext([a, b, c], { ...DEFAULT_WEIGHTS, distancePreference: 'near', nearKm: 1000 });
    const reasons = (x: MatchTown, y: MatchTown) => scorePair(ctx, x, y).components.map((r) => r.reason);
    expect(reasons(a, b)).toContain('ähnlich groß (ca. 1.200.000 und 1.300.000 Einwohner)');
    expect(reasons(a, b)).toContain('gut erreichbar (ca. 260 km)');
    expect(reasons(a, c)).toContain('Größenverhältnis etwa 1:3 (ca. 1.200.000 und 450.000 Einwohner)');
  });

  it('counts a rare shared topic more than a common one', () => {
    const mk = (id: string, topics: string[]): MatchTown => ({
      id,
      stateCode: '01',
      stateName: 'X',
      population: 10000,
      areaKm2: 50,
      topics,
      challenges: [],
      experiences: [],
      capacity: 1,
    });
    const towns = [
      mk('a', ['leerstand', 'tourismus']),
      mk('b', ['leerstand', 'tourismus']),
      ...Array.from({ length: 20 }, (_, i) => mk(`x${i}`, ['leerstand'])),
    ];
    const ctx = buildContext(towns, DEFAULT_WEIGHTS);
    const common = scorePair(ctx, mk('p', ['leerstand']), mk('q', ['leerstand', 'tourismus']));
    const rare = scorePair(ctx, mk('p', ['tourismus']), mk('q', ['leerstand', 'tourismus']));
    expect(rare.components.find((c) => c.key === 'sharedTopics')!.value).toBeGreaterThan(
      common.components.find((c) => c.key === 'sharedTopics')!.value,
    );
  });

  it('validates weights with clear messages', () => {
    expect(validateWeights({ complement: 0.5 })).toEqual([]);
    expect(validateWeights({ complement: 2, size: -1, colour: 1 })).toEqual([
      'unknown weight "colour"',
      'complement must be a number between 0 and 1',
      'size must be a number between 0 and 1',
    ]);
    expect(validateWeights({ complement: 0, sharedTopics: 0, size: 0, situation: 0, otherState: 0, distance: 1 })).toEqual([
      'at least one weight must be greater than 0',
    ]);
    expect(validateWeights({ distancePreference: 'far' })).toEqual(['distancePreference must be "near" or "none"']);
  });

  it('uses the Gemeindeverband population for size where the town belongs to one', () => {
    const t = (id: string, population: number, associationPopulation: number | null): MatchTown => ({
      id,
      stateCode: '13',
      stateName: 'MV',
      population,
      associationPopulation,
      areaKm2: 70,
      topics: [],
      challenges: [],
      experiences: [],
      capacity: 1,
    });
    const ctx = buildContext([], DEFAULT_WEIGHTS);
    const penkun = t('penkun', 1756, 10615);
    const size = (x: MatchTown) => scorePair(ctx, penkun, x).components.find((c) => c.key === 'size')!.similarity;
    expect(size(t('b', 10500, null))).toBeGreaterThan(0.95);
    expect(size(t('c', 1800, null))).toBe(0);
  });

  it('property: a town with an empty profile still scores on size and situation', () => {
    fc.assert(
      fc.property(townArb('a'), townArb('b'), (a, b) => {
        const empty = { ...a, topics: [], challenges: [], experiences: [] };
        const r = scorePair(buildContext([empty, b], DEFAULT_WEIGHTS), empty, b);
        const full = scorePair(buildContext([a, b], DEFAULT_WEIGHTS), a, b);
        const value = (s: typeof r, key: string) => s.components.find((c) => c.key === key)!.value;
        expect(value(r, 'complement')).toBe(0);
        expect(value(r, 'sharedTopics')).toBe(0);
        // Size and situation do not depend on the profile: the empty one scores on them exactly as the full one does.
        expect(value(r, 'size')).toBe(value(full, 'size'));
        expect(value(r, 'situation')).toBe(value(full, 'situation'));
        const situation = r.components.find((c) => c.key === 'situation')!;
        expect(situation.weight).toBeGreaterThan(0);
        // Situation counts only where a true sentence exists (similarity from SITUATION_MIN on).
        expect(situation.value).toBeCloseTo(situation.similarity >= SITUATION_MIN ? situation.weight * situation.similarity : 0, 12);
        expect(r.score).toBeCloseTo(value(r, 'size') + value(r, 'situation') + value(r, 'otherState') + value(r, 'distance'), 12);
      }),
      { numRuns: 100 },
    );
  });

  it('calls densities similar only when they are (below 1.5×); a 1.8× difference is stated as a ratio, the score unchanged', () => {
    const base = { lat: 50, lon: 10, capacity: 1, experiences: [], challenges: [], topics: ['leerstand'], population: 10000 };
    const town = (id: string, density: number, degurba: number | null): MatchTown => ({
      ...base,
      id,
      name: id,
      stateCode: id === 'a' ? '14' : '06',
      stateName: id === 'a' ? 'Sachsen' : 'Hessen',
      areaKm2: 10000 / density,
      degurba,
    });
    const situation = (a: MatchTown, b: MatchTown) => {
      const ctx = buildContext([a, b], DEFAULT_WEIGHTS, NAMES);
      const r = scorePair(ctx, a, b, true);
      const c = r.components.find((x) => x.key === 'situation')!;
      return { text: c.reason, office: c.reasonOffice, value: c.value, similarity: c.similarity };
    };
    // 100 and 180 inhabitants per km², no DEGURBA: the component counts (similarity about 0.74) …
    const far = situation(town('a', 100, null), town('b', 180, null));
    expect(far.similarity).toBeGreaterThanOrEqual(SITUATION_MIN);
    expect(far.value).toBeGreaterThan(0);
    // … but nobody calls 100 and 180 similar.
    expect(far.text).toBe('Siedlungsdichte im Verhältnis etwa 1:1,8 (ca. 100 und 180 Einwohner je km²)');
    expect(far.office).toBe('Siedlungsdichte im Verhältnis etwa 1:1,8 (a ca. 100, b ca. 180 Einwohner je km²)');
    // The same DEGURBA class is true as such, with the ratio beside it.
    const sameClass = situation(town('a', 100, 3), town('b', 180, 3));
    expect(sameClass.text).toBe('beide gering besiedelt (Siedlungsdichte ca. 100 und 180 Einwohner je km², Verhältnis etwa 1:1,8)');
    expect(sameClass.office).not.toMatch(/ähnlich/);
    // Close densities are similar, with or without the class.
    expect(situation(town('a', 100, null), town('b', 130, null)).text).toBe('ähnliche Siedlungsdichte (ca. 100 und 130 Einwohner je km²)');
    expect(situation(town('a', 100, 2), town('b', 130, 2)).text).toBe('ähnliche Lage (beide mit mittlerer Besiedlungsdichte)');
    expect(situation(town('a', 100, 2), town('b', 130, 2)).office).toBe('ähnliche Lage (a und b beide mit mittlerer Besiedlungsdichte)');
  });

  it('property: a situation reason says "ähnlich" only when the shown densities are less than 1.5× apart', () => {
    fc.assert(
      fc.property(townsArb(2, 2), ([a, b]) => {
        const ctx = buildContext([a, b], DEFAULT_WEIGHTS);
        const c = scorePair(ctx, a, b, true).components.find((x) => x.key === 'situation')!;
        for (const text of [c.reason, c.reasonOffice ?? '']) {
          if (!/ähnlich/.test(text)) continue;
          // Mayor's text: "ca. 3 und 4 Einwohner"; the office's: "A ca. 3, B ca. 4 Einwohner".
          const shown = [...text.matchAll(/(?:ca\. |und )([\d.]+)(?= und| Einwohner|,)/g)].map((m) => Number(m[1].replace(/\./g, '')));
          const dens = shown.length === 2 ? shown : [a, b].map((t) => Math.max(1, t.population) / Math.max(0.01, t.areaKm2));
          expect(Math.max(...dens) / Math.min(...dens)).toBeLessThan(shown.length === 2 ? 1.5 : 1.6);
        }
      }),
      { numRuns: 400 },
    );
  });
});
