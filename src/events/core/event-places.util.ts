// Who gets a place: the first come while places last, at most `placesPerTown` per town; everybody else waits in order
// and moves up when a place frees (for their town too). Pure, no Nest or database imports.

export interface Places {
  placesTotal: number;
  /** null: no limit per town. */
  placesPerTown: number | null;
}

/** A new registration: a place if one is free overall and for its town, else the waiting list. */
export function placementFor(p: Places, confirmedTotal: number, confirmedOfTown: number): 'confirmed' | 'waiting' {
  if (confirmedTotal >= p.placesTotal) return 'waiting';
  if (p.placesPerTown !== null && confirmedOfTown >= p.placesPerTown) return 'waiting';
  return 'confirmed';
}

export interface WaitingEntry {
  id: string;
  townId: string;
  waitingPosition: number;
}

/**
 * The waiting registrations that move up now, in waiting order: as many as places are free, skipping one whose town
 * has used its places (it keeps its position for later).
 */
export function nextToMoveUp(p: Places, waiting: readonly WaitingEntry[], confirmedByTown: ReadonlyMap<string, number>): string[] {
  let free = p.placesTotal - [...confirmedByTown.values()].reduce((a, b) => a + b, 0);
  const byTown = new Map(confirmedByTown);
  const out: string[] = [];
  for (const w of [...waiting].sort((a, b) => a.waitingPosition - b.waitingPosition)) {
    if (free <= 0) break;
    const n = byTown.get(w.townId) ?? 0;
    if (p.placesPerTown !== null && n >= p.placesPerTown) continue;
    out.push(w.id);
    byTown.set(w.townId, n + 1);
    free--;
  }
  return out;
}

/** Each waiting registration's place in the line (1 = next), by its position. */
export function waitingRanks(waiting: readonly WaitingEntry[]): Map<string, number> {
  return new Map([...waiting].sort((a, b) => a.waitingPosition - b.waitingPosition).map((w, i) => [w.id, i + 1]));
}
