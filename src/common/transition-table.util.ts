// A lifecycle as one table: from which state which actor may take which step to which state. Shared by the
// workshop state machines (workshop and invitation); plain TypeScript, no Nest or database imports.

type TransitionRule<S extends string, R extends string> = { to: S; actors: readonly R[] };
export type TransitionTable<S extends string, A extends string, R extends string> = Partial<
  Record<S, Partial<Record<A, TransitionRule<S, R>>>>
>;

/** Why a step is not allowed: no such step from this state, or another actor's step. */
export type TransitionRefusal<R extends string> = { kind: 'no_step' } | { kind: 'wrong_actor'; allowed: readonly R[] };

/** An illegal step: a stable code, English for the API and German for the pages. Changes nothing. */
export class IllegalTransitionError extends Error {
  readonly code = 'illegal_transition';
  constructor(
    message: string,
    readonly messageDe: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export function lookupTransition<S extends string, A extends string, R extends string>(
  table: TransitionTable<S, A, R>,
  state: S,
  action: A,
  actor: R,
): { ok: true; to: S } | ({ ok: false } & TransitionRefusal<R>) {
  const rule = table[state]?.[action];
  if (!rule) return { ok: false, kind: 'no_step' };
  if (!rule.actors.includes(actor)) return { ok: false, kind: 'wrong_actor', allowed: rule.actors };
  return { ok: true, to: rule.to };
}

/** The steps `actor` may take now, in the order of `actions` (for buttons and the API's `allowedActions`). */
export function allowedInTable<S extends string, A extends string, R extends string>(
  table: TransitionTable<S, A, R>,
  actions: readonly A[],
  state: S,
  actor: R,
): A[] {
  const rules = table[state] ?? {};
  return actions.filter((a) => (rules as Partial<Record<A, TransitionRule<S, R>>>)[a]?.actors.includes(actor));
}
