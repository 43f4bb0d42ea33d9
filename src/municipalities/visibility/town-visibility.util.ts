/**
 * Who may see which profile field of a town (issue 24): one rule, used by every view of another town — pages, API,
 * mails, digest sections, reason texts, calendar files, CSV. Directory facts (name, Land, population, area) are public
 * record; the profile fields carry the visibility the town chose.
 */
export type Visibility = 'public' | 'network' | 'office';
export const PROFILE_FIELDS = ['description', 'topics', 'challenges', 'experiences'] as const;
export type ProfileField = (typeof PROFILE_FIELDS)[number];
export const DEFAULT_VISIBILITY: Record<ProfileField, Visibility> = {
  description: 'network',
  topics: 'network',
  challenges: 'network',
  experiences: 'network',
};

/**
 * The reader of a view. `town`: a contact of that town (sees all of its own town; network fields of others only once
 * verified). `network`: any verified town that is not the subject — the audience of a text sent to both towns of a
 * pair or to many towns (proposals, workshop reasons, digest sections), so that it is true and allowed for each reader.
 */
export type Viewer = { kind: 'office' } | { kind: 'town'; townId: string; verified: boolean } | { kind: 'network' } | { kind: 'public' };

export const OFFICE_VIEWER: Viewer = { kind: 'office' };
export const NETWORK_VIEWER: Viewer = { kind: 'network' };

const ALL: readonly Visibility[] = ['public', 'network', 'office'];
const NETWORK: readonly Visibility[] = ['public', 'network'];
const PUBLIC: readonly Visibility[] = ['public'];

/** The visibility levels `viewer` may read of town `subjectId`. */
export function clearanceFor(viewer: Viewer, subjectId: string): readonly Visibility[] {
  switch (viewer.kind) {
    case 'office':
      return ALL;
    case 'town':
      return viewer.townId === subjectId ? ALL : viewer.verified ? NETWORK : PUBLIC;
    case 'network':
      return NETWORK;
    default:
      return PUBLIC;
  }
}

/** The fields of a town (with its stored visibility; missing entries mean the default) that `viewer` may read. */
export function visibleFields(
  viewer: Viewer,
  subjectId: string,
  visibility: Partial<Record<ProfileField, Visibility>> | null | undefined,
): Set<ProfileField> {
  const clearance = clearanceFor(viewer, subjectId);
  const v = { ...DEFAULT_VISIBILITY, ...(visibility ?? {}) };
  return new Set(PROFILE_FIELDS.filter((f) => clearance.includes(v[f])));
}

/** The viewer's clearance levels as SQL text literals, for composing into a statement (no user input involved). */
export const clearanceSql = (levels: readonly Visibility[]): string => levels.map((l) => `'${l}'`).join(', ');

/** The levels another verified town reads (the `network` viewer). */
export const NETWORK_LEVELS = NETWORK;
