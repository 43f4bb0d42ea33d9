// What a town writes into an application example (issue 27): parsed from the API's JSON or the page form, checked
// field by field with an English (API) and a German (page) message. Pure: no Nest, no database.
import { DEFAULT_LICENCE, LICENCES, type Licence, PRACTICE_STATUSES, type PracticeStatus } from './practice-states.util';

export interface PracticeStep {
  what: string;
  actor: string;
  effort: string;
  budget: string;
  funding: string;
  duration: string;
}
export interface PracticeResult {
  text: string;
  figure: string;
}
export interface PracticeInput {
  title: string;
  summary: string;
  challenges: string[];
  topics: string[];
  steps: PracticeStep[];
  results: PracticeResult[];
  notWorked: string;
  transferConditions: string;
  status: PracticeStatus;
  contactUserId: string | null;
  openForVisits: boolean;
  methods: string[];
  licence: Licence;
}
export interface InputProblem {
  /** The API's field name; the page links `field` to its input (`p-<field>`). */
  field: string;
  en: string;
  de: string;
}

export const PRACTICE_LIMITS = {
  title: 200,
  summary: 2000,
  challenges: 3,
  challenge: 300,
  topics: 5,
  steps: 12,
  stepWhat: 500,
  stepShort: 200,
  results: 8,
  resultText: 500,
  resultFigure: 100,
  notWorked: 2000,
  transferConditions: 2000,
  methods: 5,
} as const;
/** Rows the page form offers. */
export const FORM_ROWS = { steps: 6, results: 4 } as const;

export const EMPTY_PRACTICE: PracticeInput = {
  title: '',
  summary: '',
  challenges: [],
  topics: [],
  steps: [],
  results: [],
  notWorked: '',
  transferConditions: '',
  status: 'running',
  contactUserId: null,
  openForVisits: false,
  methods: [],
  licence: DEFAULT_LICENCE,
};

const STEP_KEYS = ['what', 'actor', 'effort', 'budget', 'funding', 'duration'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const clean = (s: string) => s.replace(/\r\n/g, '\n').trim();
const nonEmpty = (xs: string[]) => xs.map(clean).filter(Boolean);

/**
 * The API body merged over the current values (fields left out keep theirs). A field of the wrong type is a problem,
 * never a crash; unknown fields are problems too, so a typo does not vanish silently.
 */
export function fromApi(body: unknown, current: PracticeInput): { input: PracticeInput; problems: InputProblem[] } {
  const problems: InputProblem[] = [];
  const input: PracticeInput = { ...current };
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { input, problems: [{ field: 'body', en: 'The body must be a JSON object', de: 'Die Angaben fehlen.' }] };
  }
  const b = body as Record<string, unknown>;
  const bad = (field: string, what: string) =>
    problems.push({ field, en: `${field} must be ${what}`, de: `Das Feld „${field}“ hat ein falsches Format.` });
  const text = (field: keyof PracticeInput) => {
    if (!(field in b)) return;
    if (typeof b[field] === 'string') (input[field] as string) = clean(b[field]);
    else bad(field, 'a string');
  };
  const texts = (field: 'challenges' | 'topics' | 'methods') => {
    if (!(field in b)) return;
    const v = b[field];
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) input[field] = nonEmpty(v);
    else bad(field, 'an array of strings');
  };
  for (const key of Object.keys(b))
    if (!(key in EMPTY_PRACTICE)) problems.push({ field: key, en: `Unknown field ${key}`, de: `Unbekanntes Feld „${key}“.` });
  text('title');
  text('summary');
  text('notWorked');
  text('transferConditions');
  texts('challenges');
  texts('topics');
  texts('methods');
  if ('status' in b) {
    if (typeof b.status === 'string' && (PRACTICE_STATUSES as readonly string[]).includes(b.status))
      input.status = b.status as PracticeStatus;
    else bad('status', `one of ${PRACTICE_STATUSES.join(', ')}`);
  }
  if ('licence' in b) {
    if (typeof b.licence === 'string' && (LICENCES as readonly string[]).includes(b.licence)) input.licence = b.licence as Licence;
    else bad('licence', `one of ${LICENCES.join(', ')}`);
  }
  if ('openForVisits' in b) {
    if (typeof b.openForVisits === 'boolean') input.openForVisits = b.openForVisits;
    else bad('openForVisits', 'a boolean');
  }
  if ('contactUserId' in b) {
    if (b.contactUserId === null || b.contactUserId === '') input.contactUserId = null;
    else if (typeof b.contactUserId === 'string' && UUID.test(b.contactUserId)) input.contactUserId = b.contactUserId.toLowerCase();
    else bad('contactUserId', 'a UUID or null');
  }
  if ('steps' in b) {
    const v = b.steps;
    if (Array.isArray(v) && v.every((s) => typeof s === 'object' && s !== null && !Array.isArray(s))) {
      const steps: PracticeStep[] = [];
      for (const raw of v as Record<string, unknown>[]) {
        const step = Object.fromEntries(
          STEP_KEYS.map((k) => [k, typeof raw[k] === 'string' ? clean(raw[k]) : '']),
        ) as unknown as PracticeStep;
        if (STEP_KEYS.some((k) => raw[k] !== undefined && raw[k] !== null && typeof raw[k] !== 'string'))
          bad('steps', 'objects of strings');
        else if (STEP_KEYS.some((k) => step[k])) steps.push(step);
      }
      input.steps = steps;
    } else bad('steps', 'an array of objects');
  }
  if ('results' in b) {
    const v = b.results;
    if (Array.isArray(v) && v.every((r) => typeof r === 'object' && r !== null && !Array.isArray(r))) {
      const rows = v as Record<string, unknown>[];
      if (
        rows.some((r) => (r.text !== undefined && typeof r.text !== 'string') || (r.figure !== undefined && typeof r.figure !== 'string'))
      )
        bad('results', 'objects of strings');
      else
        input.results = rows
          .map((r) => ({ text: clean((r.text as string | undefined) ?? ''), figure: clean((r.figure as string | undefined) ?? '') }))
          .filter((r) => r.text || r.figure);
    } else bad('results', 'an array of objects');
  }
  return { input, problems };
}

const asText = (v: unknown): string => (typeof v === 'string' ? v : '');
const asList = (v: unknown): string[] => (v == null ? [] : Array.isArray(v) ? v.map(asText) : [asText(v)]);

/** The page form (flat fields, repeated rows); anything not text counts as empty. */
export function fromForm(body: Record<string, unknown>): PracticeInput {
  const rows = (name: string) => asList(body[name]);
  const stepCols = Object.fromEntries(STEP_KEYS.map((k) => [k, rows(`step_${k}`)]));
  const steps: PracticeStep[] = [];
  const stepCount = Math.max(...STEP_KEYS.map((k) => stepCols[k].length), 0);
  for (let i = 0; i < stepCount; i++) {
    const step = Object.fromEntries(STEP_KEYS.map((k) => [k, clean(stepCols[k][i] ?? '')])) as unknown as PracticeStep;
    if (STEP_KEYS.some((k) => step[k])) steps.push(step);
  }
  const texts = rows('result_text'),
    figures = rows('result_figure');
  const results: PracticeResult[] = [];
  for (let i = 0; i < Math.max(texts.length, figures.length); i++) {
    const r = { text: clean(texts[i] ?? ''), figure: clean(figures[i] ?? '') };
    if (r.text || r.figure) results.push(r);
  }
  const status = asText(body.status);
  const licence = asText(body.licence);
  const contact = clean(asText(body.contactUserId));
  return {
    title: clean(asText(body.title)),
    summary: clean(asText(body.summary)),
    challenges: nonEmpty(rows('challenge')),
    topics: nonEmpty(rows('topics')),
    steps,
    results,
    notWorked: clean(asText(body.notWorked)),
    transferConditions: clean(asText(body.transferConditions)),
    status: (PRACTICE_STATUSES as readonly string[]).includes(status) ? (status as PracticeStatus) : 'running',
    contactUserId: UUID.test(contact) ? contact.toLowerCase() : null,
    openForVisits: asText(body.openForVisits) === 'ja',
    methods: nonEmpty(rows('methods')),
    licence: (LICENCES as readonly string[]).includes(licence) ? (licence as Licence) : DEFAULT_LICENCE,
  };
}

export interface KnownValues {
  topics: ReadonlySet<string>;
  methods: ReadonlySet<string>;
  /** The town's confirmed contact persons (user ids). */
  contacts: ReadonlySet<string>;
}

const de = (n: number) => n.toLocaleString('de-DE');

/** Limits and known values: what may be saved at all (a draft may still be incomplete). */
export function checkPractice(input: PracticeInput, known: KnownValues): InputProblem[] {
  const L = PRACTICE_LIMITS;
  const p: InputProblem[] = [];
  const tooLong = (field: string, label: string, value: string, max: number) => {
    if (value.length > max)
      p.push({ field, en: `${field} is longer than ${max} characters`, de: `${label} darf höchstens ${de(max)} Zeichen lang sein.` });
  };
  tooLong('title', 'Der Titel', input.title, L.title);
  tooLong('summary', 'Die Kurzbeschreibung', input.summary, L.summary);
  tooLong('notWorked', 'Das Feld „Was nicht funktioniert hat“', input.notWorked, L.notWorked);
  tooLong('transferConditions', 'Das Feld „Voraussetzungen für eine Übertragung“', input.transferConditions, L.transferConditions);
  if (input.challenges.length > L.challenges)
    p.push({
      field: 'challenges',
      en: `At most ${L.challenges} challenge questions`,
      de: `Bitte nennen Sie höchstens ${L.challenges} Fragen.`,
    });
  if (input.challenges.some((c) => c.length > L.challenge))
    p.push({
      field: 'challenges',
      en: `A challenge question is longer than ${L.challenge} characters`,
      de: `Eine Frage darf höchstens ${L.challenge} Zeichen lang sein.`,
    });
  if (input.topics.length > L.topics)
    p.push({ field: 'topics', en: `At most ${L.topics} topics`, de: `Bitte wählen Sie höchstens ${L.topics} Themen.` });
  const unknownTopic = input.topics.find((t) => !known.topics.has(t));
  if (unknownTopic) p.push({ field: 'topics', en: `Unknown topic ${unknownTopic}`, de: 'Eines der Themen gibt es nicht.' });
  if (input.methods.length > L.methods)
    p.push({ field: 'methods', en: `At most ${L.methods} methods`, de: `Bitte wählen Sie höchstens ${L.methods} Methoden.` });
  const unknownMethod = input.methods.find((m) => !known.methods.has(m));
  if (unknownMethod) p.push({ field: 'methods', en: `Unknown method ${unknownMethod}`, de: 'Eine der Methoden gibt es nicht.' });
  if (input.steps.length > L.steps)
    p.push({ field: 'steps', en: `At most ${L.steps} steps`, de: `Bitte beschreiben Sie höchstens ${L.steps} Schritte.` });
  if (input.steps.some((s) => s.what.length > L.stepWhat || STEP_KEYS.some((k) => k !== 'what' && s[k].length > L.stepShort)))
    p.push({
      field: 'steps',
      en: `A step's text is too long (what: ${L.stepWhat}, the other fields: ${L.stepShort} characters)`,
      de: `Ein Schritt ist zu lang: die Beschreibung höchstens ${L.stepWhat}, die übrigen Angaben höchstens ${L.stepShort} Zeichen.`,
    });
  if (input.steps.some((s) => !s.what))
    p.push({
      field: 'steps',
      en: 'Every step needs a description (what)',
      de: 'Bitte beschreiben Sie bei jedem Schritt, was getan wurde.',
    });
  if (input.results.length > L.results)
    p.push({ field: 'results', en: `At most ${L.results} results`, de: `Bitte nennen Sie höchstens ${L.results} Ergebnisse.` });
  if (input.results.some((r) => r.text.length > L.resultText || r.figure.length > L.resultFigure))
    p.push({
      field: 'results',
      en: `A result is too long (text: ${L.resultText}, figure: ${L.resultFigure} characters)`,
      de: `Ein Ergebnis ist zu lang: der Text höchstens ${L.resultText}, die Zahl höchstens ${L.resultFigure} Zeichen.`,
    });
  if (input.results.some((r) => !r.text))
    p.push({ field: 'results', en: 'Every result needs a text', de: 'Bitte beschreiben Sie bei jedem Ergebnis, was erreicht wurde.' });
  if (input.contactUserId && !known.contacts.has(input.contactUserId))
    p.push({
      field: 'contactUserId',
      en: 'The contact person must be a confirmed contact of your town',
      de: 'Bitte wählen Sie eine Ansprechperson Ihrer Kommune.',
    });
  return p;
}

/** What a submission needs beyond the limits: the office reviews complete examples only. */
export function submitProblems(input: PracticeInput): InputProblem[] {
  const p: InputProblem[] = [];
  if (!input.title) p.push({ field: 'title', en: 'A title is required', de: 'Bitte geben Sie einen Titel an.' });
  if (input.summary.length < 20)
    p.push({
      field: 'summary',
      en: 'A summary of at least 20 characters is required',
      de: 'Bitte beschreiben Sie das Beispiel in mindestens 20 Zeichen.',
    });
  if (!input.challenges.length)
    p.push({
      field: 'challenges',
      en: 'At least one challenge question is required',
      de: 'Bitte nennen Sie mindestens eine Frage, auf die das Beispiel antwortet.',
    });
  if (!input.topics.length) p.push({ field: 'topics', en: 'At least one topic is required', de: 'Bitte wählen Sie mindestens ein Thema.' });
  if (!input.steps.length)
    p.push({ field: 'steps', en: 'At least one step is required', de: 'Bitte beschreiben Sie mindestens einen Schritt.' });
  return p;
}
