// Following up an example (issue 27): 6 and 12 months after its tandem or workshop ended, the receiving towns are asked
// whether they took the idea over. Answers, their German words, the signed one-click link and "übernommen in N Kommunen".
// Pure: no Nest, no database.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { isUuid } from '../common/input.util';

/** Months after the end of the tandem or workshop. */
const FOLLOW_UP_STAGES = [6, 12] as const;
export type FollowUpStage = (typeof FOLLOW_UP_STAGES)[number];

export const FOLLOW_UP_ANSWERS = ['yes', 'partly', 'planned', 'no'] as const;
export type FollowUpAnswer = (typeof FOLLOW_UP_ANSWERS)[number];

/** The words in links and forms (German, as the page shows them) and the labels. */
export const ANSWER_WORD: Record<FollowUpAnswer, string> = { yes: 'ja', partly: 'teilweise', planned: 'geplant', no: 'nein' };
export const ANSWER_DE: Record<FollowUpAnswer, string> = {
  yes: 'Ja, übernommen',
  partly: 'Teilweise übernommen',
  planned: 'Noch nicht, aber geplant',
  no: 'Nein',
};

/** An answer from its link or form word (or the API's English code); null for anything else. */
export function parseAnswer(v: unknown): FollowUpAnswer | null {
  if (typeof v !== 'string') return null;
  const s = v.trim().toLowerCase();
  return FOLLOW_UP_ANSWERS.find((a) => a === s || ANSWER_WORD[a] === s) ?? null;
}

/** "übernommen in 1 Kommune", "übernommen in 3 Kommunen"; null when none took it over. */
export function adoptionLabel(n: number): string | null {
  if (!(n > 0)) return null;
  return `übernommen in ${n} ${n === 1 ? 'Kommune' : 'Kommunen'}`;
}

/** The stage that is due at `now` for an end date: the latest one reached (a late first mail asks at 12 months only). */
export function dueStage(endedAt: Date, now: Date): FollowUpStage | null {
  let due: FollowUpStage | null = null;
  for (const s of FOLLOW_UP_STAGES) if (addMonths(endedAt, s) <= now) due = s;
  return due;
}

export function addMonths(d: Date, months: number): Date {
  const out = new Date(d);
  out.setUTCMonth(out.getUTCMonth() + months);
  return out;
}

const sign = (secret: string, id: string) => createHmac('sha256', secret).update(`practice-follow-up:${id}`).digest('base64url');

/** Constant-time check of a follow-up link's signature (the link answers for the town without a sign-in). */
export function verifyFollowUp(secret: string, id: unknown, signature: unknown): boolean {
  if (typeof id !== 'string' || typeof signature !== 'string' || !isUuid(id)) return false;
  const expected = Buffer.from(sign(secret, id));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** The one-click link for an answer: opens a page that asks to confirm (a GET never records anything). */
export function followUpUrl(appUrl: string, secret: string, id: string, answer?: FollowUpAnswer): string {
  return `${appUrl}/methodenkoffer/rueckmeldung/${id}?s=${sign(secret, id)}${answer ? `&antwort=${ANSWER_WORD[answer]}` : ''}`;
}
