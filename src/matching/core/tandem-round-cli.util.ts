import { tandemRound, WeightedEdge } from './tandem-round.util';

/** Parses `{"edges": [[a, b, weight], …], "capacity": {"a": 2}}` and returns the round as one JSON line. */
export function runTandemRoundCli(jsonText: string): string {
  let input: unknown;
  try {
    input = JSON.parse(jsonText);
  } catch (err) {
    throw new Error(`input is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  if (!input || typeof input !== 'object' || !Array.isArray((input as { edges?: unknown }).edges)) {
    throw new Error('input must be an object with "edges": [[a, b, weight], …]');
  }
  const { edges, capacity } = input as { edges: unknown[]; capacity?: unknown };
  edges.forEach((e, i) => {
    if (
      !Array.isArray(e) ||
      e.length !== 3 ||
      !['string', 'number'].includes(typeof e[0]) ||
      !['string', 'number'].includes(typeof e[1]) ||
      typeof e[2] !== 'number'
    ) {
      throw new Error(`edges[${i}] must be [a, b, weight] with string or number ids and a numeric weight`);
    }
  });
  if (capacity !== undefined && (typeof capacity !== 'object' || capacity === null || Array.isArray(capacity))) {
    throw new Error('"capacity" must be an object such as {"a": 2}');
  }
  const result = tandemRound(edges as WeightedEdge[], (capacity ?? {}) as Record<string, number>);
  return JSON.stringify({ weight: result.weight, pairs: result.pairs });
}
