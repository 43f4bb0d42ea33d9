// The Methodenkoffer's words and its review cycle (issue 27). Pure: no Nest, no database.
// A town's working copy of an example: draft → submitted → published | returned (with the office's comment);
// editing a published example opens a new working copy (draft) while the published version stays readable.

export type PracticeState = 'draft' | 'submitted' | 'published' | 'returned';
export const PRACTICE_STATE_DE: Record<PracticeState, string> = {
  draft: 'Entwurf',
  submitted: 'zur Prüfung eingereicht',
  published: 'veröffentlicht',
  returned: 'mit Hinweis zurückgegeben',
};

export const PRACTICE_STATUSES = ['idea', 'running', 'established', 'ended'] as const;
export type PracticeStatus = (typeof PRACTICE_STATUSES)[number];
export const PRACTICE_STATUS_DE: Record<PracticeStatus, string> = {
  idea: 'Idee',
  running: 'läuft',
  established: 'etabliert',
  ended: 'beendet',
};

export type PracticeOrigin = 'own' | 'tandem' | 'workshop' | 'event';
export const PRACTICE_ORIGIN_DE: Record<PracticeOrigin, string> = {
  own: 'eigenes Vorhaben der Kommune',
  tandem: 'aus einem Tandem',
  workshop: 'aus einer Transferwerkstatt',
  event: 'aus einer Veranstaltung',
};

export const LICENCES = ['CC-BY-4.0', 'CC-BY-SA-4.0', 'CC0-1.0'] as const;
export type Licence = (typeof LICENCES)[number];
export const DEFAULT_LICENCE: Licence = 'CC-BY-4.0';
export const LICENCE_DE: Record<Licence, { name: string; url: string; text: string }> = {
  'CC-BY-4.0': {
    name: 'CC BY 4.0',
    url: 'https://creativecommons.org/licenses/by/4.0/deed.de',
    text: 'Creative Commons Namensnennung 4.0 International: Sie dürfen den Text teilen und bearbeiten, wenn Sie die Kommune als Urheberin nennen.',
  },
  'CC-BY-SA-4.0': {
    name: 'CC BY-SA 4.0',
    url: 'https://creativecommons.org/licenses/by-sa/4.0/deed.de',
    text: 'Creative Commons Namensnennung – Weitergabe unter gleichen Bedingungen 4.0 International.',
  },
  'CC0-1.0': {
    name: 'CC0 1.0',
    url: 'https://creativecommons.org/publicdomain/zero/1.0/deed.de',
    text: 'Creative Commons Zero: frei von Rechten, ohne Bedingungen nutzbar.',
  },
};

export type PracticeAction = 'edit' | 'submit' | 'publish' | 'return';
type Actor = 'own_town' | 'office';

const TABLE: Record<PracticeAction, { actor: Actor; from: readonly PracticeState[]; to: PracticeState }> = {
  edit: { actor: 'own_town', from: ['draft', 'returned', 'published'], to: 'draft' },
  submit: { actor: 'own_town', from: ['draft', 'returned'], to: 'submitted' },
  publish: { actor: 'office', from: ['submitted'], to: 'published' },
  return: { actor: 'office', from: ['submitted'], to: 'returned' },
};

/** The state after `action`, or why not (English for the API, German for the pages). */
export function practiceStep(
  action: PracticeAction,
  actor: Actor,
  from: PracticeState,
): { ok: true; to: PracticeState } | { ok: false; code: string; en: string; de: string } {
  const rule = TABLE[action];
  if (rule.actor !== actor)
    return actor === 'office'
      ? {
          ok: false,
          code: 'office_reviews_only',
          en: 'The office reviews examples; the town edits and submits them',
          de: 'Die Geschäftsstelle prüft Anwendungsbeispiele; bearbeiten und einreichen kann nur die Kommune.',
        }
      : {
          ok: false,
          code: 'office_only',
          en: 'Only the office reviews examples',
          de: 'Nur die Geschäftsstelle prüft Anwendungsbeispiele.',
        };
  if (!rule.from.includes(from))
    return {
      ok: false,
      code: from === 'submitted' ? 'under_review' : 'wrong_state',
      en: from === 'submitted' ? 'The example is under review' : `Not possible while the example is ${from}`,
      de:
        from === 'submitted'
          ? 'Das Anwendungsbeispiel liegt der Geschäftsstelle zur Prüfung vor und kann gerade nicht geändert werden.'
          : `Das ist nicht möglich, solange das Anwendungsbeispiel „${PRACTICE_STATE_DE[from]}“ ist.`,
    };
  return { ok: true, to: rule.to };
}

/** The steps the actor may take now (the page offers only these). */
export function practiceActions(actor: Actor, state: PracticeState): PracticeAction[] {
  return (Object.keys(TABLE) as PracticeAction[]).filter((a) => practiceStep(a, actor, state).ok);
}
