// Which towns an event is for, and in what order the office invites them: towns that name one of the event's topics
// as a challenge first, then towns not yet in any tandem or workshop, each with reasons that are true. The caller
// passes only what the reader may see (the office, or the town itself). Pure, no Nest or database imports.
import { sizeClassOf, SIZE_CLASSES } from '../../municipalities/size-class.util';

export interface EventTarget {
  /** Länder (state codes); empty: all. */
  states: readonly string[];
  /** Size class keys (size-class.util); empty: all. */
  sizeClasses: readonly string[];
  /** Topic slugs a town must name (any one); empty: all. */
  topics: readonly string[];
}

export interface AudienceTown {
  id: string;
  name: string;
  stateCode: string;
  stateName: string;
  population: number;
  /** Every topic the town names (topics, challenges, experiences) as the reader may see them. */
  topics: readonly string[];
  /** The topics of its challenges as the reader may see them. */
  challengeTopics: readonly string[];
  /** In a tandem or a workshop now or before. */
  connected: boolean;
}

export interface AudienceEntry {
  townId: string;
  name: string;
  stateName: string;
  /** 2 for an event topic among its challenges, 1 for not yet connected; the sort key. */
  fit: number;
  reasons: string[];
}

export function matchesTarget(town: AudienceTown, target: EventTarget): boolean {
  if (target.states.length && !target.states.includes(town.stateCode)) return false;
  if (target.sizeClasses.length && !target.sizeClasses.includes(sizeClassOf(town.population).key)) return false;
  if (target.topics.length && !target.topics.some((t) => town.topics.includes(t))) return false;
  return true;
}

const quoted = (slugs: readonly string[], names: ReadonlyMap<string, string>) => slugs.map((s) => `„${names.get(s) ?? s}“`).join(', ');

/** Why the event fits the town, as short German phrases ("nennt „Leerstand“ als Herausforderung"). */
function reasonsFor(
  town: AudienceTown,
  target: EventTarget,
  eventTopics: readonly string[],
  topicNames: ReadonlyMap<string, string>,
): string[] {
  const reasons: string[] = [];
  const challenges = eventTopics.filter((t) => town.challengeTopics.includes(t));
  if (challenges.length) reasons.push(`nennt ${quoted(challenges, topicNames)} als Herausforderung`);
  const named = target.topics.filter((t) => town.topics.includes(t) && !challenges.includes(t));
  if (named.length) reasons.push(`arbeitet am Thema ${quoted(named, topicNames)}`);
  if (!town.connected) reasons.push('ist noch in keinem Tandem und keiner Werkstatt: ein guter Einstieg ins Netzwerk');
  if (target.states.length) reasons.push(`liegt in ${town.stateName}, für das die Veranstaltung gedacht ist`);
  if (target.sizeClasses.length) reasons.push(`gehört zur Zielgruppe: ${sizeClassOf(town.population).label}`);
  if (!reasons.length) reasons.push('die Veranstaltung richtet sich an alle Kommunen im Netzwerk');
  return reasons;
}

/** The towns that match the target, best fit first (then by name), each with its reasons. */
export function rankAudience(
  towns: readonly AudienceTown[],
  target: EventTarget,
  eventTopics: readonly string[],
  topicNames: ReadonlyMap<string, string>,
): AudienceEntry[] {
  return towns
    .filter((t) => matchesTarget(t, target))
    .map((t) => ({
      townId: t.id,
      name: t.name,
      stateName: t.stateName,
      fit: (eventTopics.some((x) => t.challengeTopics.includes(x)) ? 2 : 0) + (t.connected ? 0 : 1),
      reasons: reasonsFor(t, target, eventTopics, topicNames),
    }))
    .sort((a, b) => b.fit - a.fit || a.name.localeCompare(b.name, 'de'));
}

/** The size classes for a form or a filter (key and German label). */
export const SIZE_CLASS_OPTIONS = SIZE_CLASSES.map((c) => ({ key: c.key, label: c.label }));
