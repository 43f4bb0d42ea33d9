// The rules a workshop group must keep before it is published or confirmed. Plain TypeScript: each broken rule
// comes back as a code with the towns it concerns, rendered in English (API) and German (pages).

export const MIN_TOWNS = 4;
export const MAX_TOWNS = 6;

export interface RuleTown {
  id: string;
  name: string;
  stateCode: string;
  stateName: string;
  verified: boolean;
  optedOut: boolean;
  /** The town named an experience on the workshop's theme. */
  experienced: boolean;
}

/** An invitation row as the rules see its town (the invitation query reads the same facts as repo.ruleTowns). */
export const ruleTownOf = (i: Omit<RuleTown, 'id'> & { townId: string }): RuleTown => ({
  id: i.townId,
  name: i.name,
  stateCode: i.stateCode,
  stateName: i.stateName,
  verified: i.verified,
  optedOut: i.optedOut,
  experienced: i.experienced,
});

export type RuleCode = 'group_size' | 'same_state' | 'no_experienced_town' | 'town_not_verified' | 'town_opted_out';

export interface RuleViolation {
  code: RuleCode;
  /** Names of the towns concerned (empty where the rule is about the whole group). */
  towns: string[];
  message: string;
  messageDe: string;
}

const list = (names: string[], and: string) =>
  names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} ${and} ${names[names.length - 1]}`;

/** Every rule the group breaks, in a fixed order (size, states, experience, verification, opt-out); [] when it holds. */
export function checkWorkshopRules(towns: readonly RuleTown[], opts = { min: MIN_TOWNS, max: MAX_TOWNS }): RuleViolation[] {
  const out: RuleViolation[] = [];
  if (towns.length < opts.min || towns.length > opts.max) {
    out.push({
      code: 'group_size',
      towns: [],
      message: `A workshop needs ${opts.min} to ${opts.max} towns; it has ${towns.length}`,
      messageDe: `Eine Werkstatt braucht ${opts.min} bis ${opts.max} Kommunen; es sind ${towns.length}.`,
    });
  }
  const byState = new Map<string, RuleTown[]>();
  for (const t of towns) byState.set(t.stateCode, [...(byState.get(t.stateCode) ?? []), t]);
  for (const group of byState.values()) {
    if (group.length < 2) continue;
    const names = group.map((t) => t.name).sort((a, b) => a.localeCompare(b, 'de'));
    out.push({
      code: 'same_state',
      towns: names,
      message: `Towns must come from different states: ${list(names, 'and')} are all in ${group[0].stateName}`,
      messageDe: `Die Kommunen sollen aus verschiedenen Bundesländern kommen: ${list(names, 'und')} liegen alle in ${group[0].stateName}.`,
    });
  }
  if (towns.length > 0 && !towns.some((t) => t.experienced)) {
    const names = towns.map((t) => t.name);
    out.push({
      code: 'no_experienced_town',
      towns: names,
      message: `At least one town must have experience with the theme; none of ${list(names, 'and')} has`,
      messageDe: `Mindestens eine Kommune braucht Erfahrung mit dem Thema; keine von ${list(names, 'und')} hat welche angegeben.`,
    });
  }
  const unverified = towns.filter((t) => !t.verified).map((t) => t.name);
  if (unverified.length) {
    out.push({
      code: 'town_not_verified',
      towns: unverified,
      message: `Only verified towns can be invited: ${list(unverified, 'and')} ${unverified.length > 1 ? 'are' : 'is'} not verified`,
      messageDe: `Nur bestätigte Kommunen können eingeladen werden: ${list(unverified, 'und')} ${unverified.length > 1 ? 'sind' : 'ist'} noch nicht bestätigt.`,
    });
  }
  const optedOut = towns.filter((t) => t.optedOut).map((t) => t.name);
  if (optedOut.length) {
    out.push({
      code: 'town_opted_out',
      towns: optedOut,
      message: `${list(optedOut, 'and')} ${optedOut.length > 1 ? 'do' : 'does'} not take part at the moment`,
      messageDe: `${list(optedOut, 'und')} ${optedOut.length > 1 ? 'nehmen' : 'nimmt'} derzeit nicht teil.`,
    });
  }
  return out;
}

/** Rules a single town must keep to be invited (verified, not opted out), independent of the group. */
export function checkInvitable(t: RuleTown): RuleViolation[] {
  return checkWorkshopRules([t], { min: 0, max: Number.MAX_SAFE_INTEGER }).filter(
    (v) => v.code === 'town_not_verified' || v.code === 'town_opted_out',
  );
}
