// The Methodenkoffer in the matching (issue 27): a partner town whose published application example answers one of my
// challenges is a stronger suggestion, and the more towns took that example over, the stronger. Pure: the published
// examples come in as plain data (they are public), the viewer's challenges from its MatchTown.
import type { MatchTown, ScoreComponent } from './matching-input.types';

/** One published example of a town, as everybody may read it. */
export interface PublishedExample {
  practiceTitle: string;
  /** The example's town (directory name, public). */
  townName: string;
  /** Topic slugs of the example: the challenges it answers are matched on them. */
  topics: string[];
  /** Towns that answered the follow-up with "ja" or "teilweise" (übernommen). */
  adoptions: number;
}

/** Published examples per town id (towns without any are absent). */
export type ExamplesByTown = Readonly<Record<string, readonly PublishedExample[]>>;

/**
 * How much an example can add, on scores in [0, 1]: the component's value is EXAMPLE_WEIGHT × strength × (1 − the
 * pair's score), so a score stays within [0, 1] and a better fit gains a little less than a weaker one.
 */
export const EXAMPLE_WEIGHT = 0.2;

/** An example counts half on its own; every town that took it over closes half of the rest (1: 0.75, 2: 0.875 …). */
export const exampleStrength = (adoptions: number) => 1 - 0.5 * 0.5 ** Math.max(0, Math.floor(adoptions));

const adoptedDe = (n: number) => (n <= 0 ? '' : ` – übernommen in ${n} ${n === 1 ? 'Kommune' : 'Kommunen'}`);

export interface ExampleEvidence {
  /** The strength of the best fitting example in (0, 1]. */
  strength: number;
  /** "Musterstadt hat ein Anwendungsbeispiel zu Ihrer Herausforderung »Leerstand«: „…“ – übernommen in 1 Kommune" */
  reason: string;
}

/**
 * The partner's best example on one of `viewer`'s challenge topics (most adoptions, then the viewer's more urgent
 * challenge, then the title), or null. The text names only public facts (the example's town, title, adoptions) and
 * the viewer's own challenge, so it is true and visible to the viewer.
 */
export function exampleEvidence(
  viewer: MatchTown,
  examples: readonly PublishedExample[] | undefined,
  topicNames: Readonly<Record<string, string>>,
): ExampleEvidence | null {
  if (!examples?.length || !viewer.challenges.length) return null;
  const urgency = new Map<string, number>();
  for (const c of viewer.challenges) urgency.set(c.topic, Math.max(urgency.get(c.topic) ?? 0, c.urgency));
  let best: { e: PublishedExample; topic: string; u: number } | null = null;
  for (const e of examples) {
    for (const topic of e.topics) {
      const u = urgency.get(topic);
      if (u === undefined) continue;
      const better =
        !best ||
        e.adoptions > best.e.adoptions ||
        (e.adoptions === best.e.adoptions && (u > best.u || (u === best.u && e.practiceTitle < best.e.practiceTitle)));
      if (better) best = { e, topic, u };
    }
  }
  if (!best) return null;
  const { e, topic } = best;
  return {
    strength: exampleStrength(e.adoptions),
    reason: `${e.townName} hat ein Anwendungsbeispiel zu Ihrer Herausforderung »${topicNames[topic] ?? topic}«: „${e.practiceTitle}“${adoptedDe(e.adoptions)}`,
  };
}

/** What the evidence adds to a pair whose score is `base`. */
export const exampleValue = (base: number, strength: number) => EXAMPLE_WEIGHT * strength * (1 - base);

/** The score component of the evidence (appended to the pair's components; its value adds to the score). */
export function exampleComponent(base: number, ev: ExampleEvidence): ScoreComponent {
  return { key: 'example', weight: EXAMPLE_WEIGHT, similarity: ev.strength, value: exampleValue(base, ev.strength), reason: ev.reason };
}

/** Towns with a published example on `theme` (for the workshop groups' experienced members). */
export function townsWithExampleOn(examples: ExamplesByTown, theme: string): Set<string> {
  return new Set(Object.keys(examples).filter((id) => examples[id].some((e) => e.topics.includes(theme))));
}
