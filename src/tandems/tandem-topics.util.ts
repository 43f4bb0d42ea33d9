// The topic choices of a tandem's result form. Pure: no Nest, no database.

/**
 * The active topics either town names (as `visibleTopics` answered for the viewer), shared ones first, each in topic
 * order: TownViewRepository.pairTopics' choices, built from the topic names this process keeps instead of a second read.
 */
export function pairTopicChoices(
  ofA: ReadonlySet<string> = new Set(),
  ofB: ReadonlySet<string> = new Set(),
  activeTopics: Readonly<Record<string, string>>,
): { slug: string; name: string; shared: boolean }[] {
  const named = Object.entries(activeTopics)
    .filter(([slug]) => ofA.has(slug) || ofB.has(slug))
    .map(([slug, name]) => ({ slug, name, shared: ofA.has(slug) && ofB.has(slug) }));
  return [...named.filter((t) => t.shared), ...named.filter((t) => !t.shared)];
}
