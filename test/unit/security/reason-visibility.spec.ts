import fc from 'fast-check';
import { MatchTown } from '../../../src/matching/core/matching-input.types';
import { HIDDEN_GROUNDS_DE, REASON_FIELDS, ReasonField, withVisibleReasons } from '../../../src/matching/core/reason-visibility.util';
import { buildContext, reasonLine, scorePair } from '../../../src/matching/core/score.util';
import { DEFAULT_WEIGHTS } from '../../../src/matching/core/weights';
import { TOPICS, townsArb } from '../matching/town.factory';

const NAMES = Object.fromEntries(TOPICS.map((t) => [t, `Thema-${t}`]));
const base = { stateName: 'Sachsen', population: 10000, areaKm2: 50, degurba: 3, lat: 50.6, lon: 13.3, capacity: 2 };

describe("suggestion reasons never disclose a partner's office-only fields (issue 9, item 2b)", () => {
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
  const full = scorePair(ctx, viewer, partner);
  const suggestion = { townId: 'v', partnerId: 'p', score: full.score, components: full.components };

  it('hidden challenge: no reason mentions it, the score still counts it', () => {
    expect(reasonLine(full.components)).toContain('deren Thema Thema-mobilitaet ↔ Ihre Erfahrung mit Thema-mobilitaet');
    const [redacted] = withVisibleReasons(ctx, [viewer, partner], [suggestion], new Map([['p', new Set<ReasonField>(['challenges'])]]));
    expect(reasonLine(redacted.components)).not.toMatch(/mobilitaet/);
    expect(redacted.components.map((c) => c.value)).toEqual(full.components.map((c) => c.value));
    expect(redacted.components.find((c) => c.key === 'complement')!.value).toBeGreaterThan(0);
    // What stays visible still explains itself.
    expect(reasonLine(redacted.components)).toContain('Gemeinsame Themen: Thema-leerstand');
    expect(redacted.score).toBe(full.score);
    // Issue 11: what counts still has a reason — one that names no hidden field.
    expect(redacted.components.filter((c) => c.value > 0 && !c.reason).map((c) => c.key)).toEqual([]);
    expect(redacted.components.find((c) => c.key === 'complement')!.reason).toBe(HIDDEN_GROUNDS_DE);
  });

  it('hidden topics: the shared-topic reason goes; nothing hidden: reasons unchanged', () => {
    const [noTopics] = withVisibleReasons(ctx, [viewer, partner], [suggestion], new Map([['p', new Set<ReasonField>(['topics'])]]));
    expect(reasonLine(noTopics.components)).not.toContain('Gemeinsame Themen');
    const [same] = withVisibleReasons(ctx, [viewer, partner], [suggestion], new Map([['v', new Set<ReasonField>(['topics'])]]));
    expect(same.components).toEqual(full.components);
  });

  it('property: a reason names only topics the viewer has or the partner shows', () => {
    fc.assert(
      fc.property(townsArb(2, 6), fc.subarray([...REASON_FIELDS]), (towns, hiddenFields) => {
        const c = buildContext(towns, DEFAULT_WEIGHTS, NAMES);
        const [v, p] = towns;
        const s = scorePair(c, v, p);
        const hidden = new Set(hiddenFields);
        const [r] = withVisibleReasons(c, towns, [{ townId: v.id, partnerId: p.id, components: s.components }], new Map([[p.id, hidden]]));
        const shown = new Set([...v.topics, ...v.challenges.map((x) => x.topic), ...v.experiences.map((x) => x.topic)]);
        const partnerShows = new Set([
          ...(hidden.has('topics') ? [] : p.topics),
          ...(hidden.has('challenges') ? [] : p.challenges.map((x) => x.topic)),
          ...(hidden.has('experiences') ? [] : p.experiences.map((x) => x.topic)),
        ]);
        const named = [...reasonLine(r.components).matchAll(/Thema-(\w+)/g)].map((m) => m[1]);
        // Every topic named is in the partner's visible fields (a reason about a pair always involves the partner).
        for (const t of named) expect(partnerShows.has(t) && shown.has(t)).toBe(true);
        expect(r.components.map((x) => x.value)).toEqual(s.components.map((x) => x.value));
      }),
      { numRuns: 300 },
    );
  });
});
