import fc from 'fast-check';
import { MatchTown } from '../../../src/matching/core/matching-input.types';
import { REASON_FIELDS, visiblePartOf } from '../../../src/matching/core/reason-visibility.util';
import { buildContext, reasonLine, scorePair } from '../../../src/matching/core/score.util';
import { DEFAULT_WEIGHTS } from '../../../src/matching/core/weights';
import { TOPICS, townsArb } from '../matching/town.factory';

const NAMES = Object.fromEntries(TOPICS.map((t) => [t, `Thema-${t}`]));
const base = { stateName: 'Sachsen', population: 10000, areaKm2: 50, degurba: 3, lat: 50.6, lon: 13.3, capacity: 2 };

describe("what a town reads about another is computed from that town's visible fields only (issue 24)", () => {
  // The viewer has experience with Mobilität; the partner's challenge Mobilität is office-only.
  const viewer: MatchTown = {
    ...base,
    id: 'v',
    stateCode: '14',
    topics: ['leerstand'],
    challenges: [],
    experiences: [{ topic: 'mobilitaet' }],
  };
  const partner: MatchTown = {
    ...base,
    id: 'p',
    stateCode: '09',
    stateName: 'Bayern',
    topics: ['leerstand'],
    challenges: [{ topic: 'mobilitaet', urgency: 3 }],
    experiences: [],
  };
  const ctx = buildContext([viewer, partner], DEFAULT_WEIGHTS, NAMES);

  it('a hidden challenge neither shows in the reasons nor adds to the score; what stays visible still explains itself', () => {
    const full = scorePair(ctx, viewer, partner);
    expect(reasonLine(full.components)).toContain('deren Herausforderung Thema-mobilitaet ↔ Ihre Erfahrung mit Thema-mobilitaet');
    const seen = scorePair(ctx, viewer, visiblePartOf(partner, new Set(['challenges'])), true);
    expect(reasonLine(seen.components)).not.toMatch(/mobilitaet/);
    expect(reasonLine(seen.components, 'office')).not.toMatch(/mobilitaet/);
    expect(seen.components.find((c) => c.key === 'complement')!.value).toBe(0);
    expect(seen.score).toBeLessThan(full.score);
    expect(reasonLine(seen.components)).toContain('Gemeinsame Themen: Thema-leerstand');
  });

  it('property: the score and every text are the same whatever a hidden field holds', () => {
    fc.assert(
      fc.property(townsArb(3, 6), fc.subarray([...REASON_FIELDS], { minLength: 1 }), (towns, hiddenFields) => {
        const [v, p, donor] = towns;
        const hidden = new Set(hiddenFields);
        // The same partner with other content in its hidden fields.
        const other: MatchTown = {
          ...p,
          topics: hidden.has('topics') ? donor.topics : p.topics,
          challenges: hidden.has('challenges') ? donor.challenges : p.challenges,
          experiences: hidden.has('experiences') ? donor.experiences : p.experiences,
        };
        const c = buildContext(towns, DEFAULT_WEIGHTS, NAMES);
        const a = scorePair(c, v, visiblePartOf(p, hidden), true);
        const b = scorePair(c, v, visiblePartOf(other, hidden), true);
        expect(b.score).toBe(a.score);
        expect(b.components).toEqual(a.components);
        expect(b.topic).toBe(a.topic);
      }),
      { numRuns: 300 },
    );
  });
});
