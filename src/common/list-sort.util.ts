// Server-side sorting of the office's lists (issue 30): a query parameter `sortierung` names one of a fixed set of
// orders; the SQL of each order is a constant of the list, never built from the request. Plain TypeScript.

export interface SortChoice {
  /** The value of ?sortierung= (German, lower case). */
  value: string;
  /** What the select shows. */
  label: string;
  /** The ORDER BY expression list (a constant; ends with a unique key so pages never overlap). */
  orderBy: string;
}

/** The chosen order: the first choice when none is given, null for an unknown value (the caller answers 400). */
export function pickSort(choices: readonly SortChoice[], raw: unknown): SortChoice | null {
  const value: unknown = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || value === null || value === '') return choices[0];
  if (typeof value !== 'string') return null;
  return choices.find((c) => c.value === value) ?? null;
}

/** The choices for a select, the chosen one marked. */
export const sortOptions = (choices: readonly SortChoice[], chosen: SortChoice) =>
  choices.map((c) => ({ value: c.value, label: c.label, selected: c.value === chosen.value }));

/** The query string part for links that keep the order (pager), empty for the default order. */
export const sortQuery = (choices: readonly SortChoice[], chosen: SortChoice) =>
  chosen.value === choices[0].value ? '' : `sortierung=${encodeURIComponent(chosen.value)}&`;

export const TOWN_SORTS: readonly SortChoice[] = [
  { value: 'name', label: 'Name (A–Z)', orderBy: 'm.name, t.ags' },
  { value: 'einwohner', label: 'Einwohner (größte zuerst)', orderBy: 'm.population DESC, m.name, t.ags' },
  { value: 'einwohner-aufsteigend', label: 'Einwohner (kleinste zuerst)', orderBy: 'm.population, m.name, t.ags' },
  { value: 'bundesland', label: 'Bundesland', orderBy: 'm.state_name, m.name, t.ags' },
  { value: 'registriert', label: 'Registriert (neueste zuerst)', orderBy: 't.created_at DESC, t.ags' },
  { value: 'kontakte', label: 'Kontakte (meiste zuerst)', orderBy: 'contacts DESC, m.name, t.ags' },
];

/** Within the tandem table only (the list pages through it before the names are looked up). */
export const TANDEM_SORTS: readonly SortChoice[] = [
  { value: 'geaendert', label: 'Zuletzt geändert zuerst', orderBy: 'state_changed_at DESC, id DESC' },
  { value: 'geaendert-aufsteigend', label: 'Am längsten unverändert zuerst', orderBy: 'state_changed_at ASC, id ASC' },
  { value: 'angelegt', label: 'Neueste zuerst (angelegt)', orderBy: 'created_at DESC, id DESC' },
  { value: 'stand', label: 'Nach Stand', orderBy: 'state, state_changed_at DESC, id DESC' },
];

export const WORKSHOP_SORTS: readonly SortChoice[] = [
  { value: 'termin', label: 'Termin (späteste zuerst, Entwürfe oben)', orderBy: 'w.starts_at DESC NULLS FIRST, w.created_at DESC, w.id' },
  { value: 'termin-aufsteigend', label: 'Termin (nächste zuerst)', orderBy: 'w.starts_at ASC NULLS LAST, w.created_at DESC, w.id' },
  { value: 'titel', label: 'Titel (A–Z)', orderBy: 'w.title, w.id' },
  { value: 'stand', label: 'Nach Stand', orderBy: 'w.state, w.starts_at DESC NULLS FIRST, w.id' },
  { value: 'angelegt', label: 'Neueste zuerst (angelegt)', orderBy: 'w.created_at DESC, w.id' },
];
