// What the Methodenkoffer's page forms need beyond the view model: the edit form's rows and choices, the list's links.
// Pure: no Nest, no database.
import type { PracticeInput, PracticeStep } from './practice-input.util';
import { FORM_ROWS, PRACTICE_LIMITS } from './practice-input.util';
import {
  LICENCE_DE,
  type Licence,
  PRACTICE_STATE_DE,
  PRACTICE_STATUS_DE,
  PRACTICE_STATUSES,
  type PracticeState,
} from './practice-states.util';
import { PAGE_QUERY_NAMES } from './practice-search.util';

const EMPTY_STEP: PracticeStep = { what: '', actor: '', effort: '', budget: '', funding: '', duration: '' };
const pad = <T>(xs: T[], n: number, empty: T): T[] => [...xs, ...Array.from({ length: Math.max(0, n - xs.length) }, () => empty)];

/** The list's link to another page with the same filters. */
export function practiceQueryHref(q: Record<string, unknown>, page: number): string {
  const params = new URLSearchParams();
  for (const key of Object.values(PAGE_QUERY_NAMES)) {
    const v = q[key];
    if (key !== PAGE_QUERY_NAMES.page && typeof v === 'string' && v) params.set(key, v);
  }
  params.set(PAGE_QUERY_NAMES.page, String(page));
  return `/methodenkoffer?${params.toString()}`;
}

export interface EditFormSource {
  row: { id: string; state: PracticeState; reviewComment: string | null; publishedVersion: number | null; context: { townName: string } };
  topics: readonly { slug: string; name: string }[];
  methods: { slug: string; name: string; whatItIs: string }[];
  contacts: { id: string; displayName: string }[];
  licences: readonly Licence[];
}

/** The edit page: the values (what was typed, or the stored copy), rows padded to the form's size, the choices marked. */
export function practiceEditView(f: EditFormSource, input: PracticeInput) {
  return {
    title: input.title ? `Bearbeiten: ${input.title}` : 'Anwendungsbeispiel bearbeiten',
    id: f.row.id,
    townName: f.row.context.townName,
    stateLabel: PRACTICE_STATE_DE[f.row.state],
    reviewComment: f.row.state === 'returned' ? f.row.reviewComment : null,
    republishes: f.row.publishedVersion !== null,
    input,
    limits: PRACTICE_LIMITS,
    challengeRows: pad(input.challenges, PRACTICE_LIMITS.challenges, '').map((text, i) => ({ text, n: i + 1 })),
    stepRows: pad(input.steps, Math.max(FORM_ROWS.steps, input.steps.length + 1), EMPTY_STEP).map((s, i) => ({ ...s, n: i + 1 })),
    resultRows: pad(input.results, Math.max(FORM_ROWS.results, input.results.length + 1), { text: '', figure: '' }).map((r, i) => ({
      ...r,
      n: i + 1,
    })),
    topicChoices: f.topics.map((t) => ({ ...t, checked: input.topics.includes(t.slug) })),
    methodChoices: f.methods.map((m) => ({ slug: m.slug, name: m.name, whatItIs: m.whatItIs, checked: input.methods.includes(m.slug) })),
    contactChoices: f.contacts.map((c) => ({ id: c.id, name: c.displayName, selected: c.id === input.contactUserId })),
    statusChoices: PRACTICE_STATUSES.map((s) => ({ key: s, label: PRACTICE_STATUS_DE[s], selected: s === input.status })),
    licenceChoices: f.licences.map((l) => ({
      key: l,
      label: `${LICENCE_DE[l].name} – ${LICENCE_DE[l].text}`,
      selected: l === input.licence,
    })),
  };
}
