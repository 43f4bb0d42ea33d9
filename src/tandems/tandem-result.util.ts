import { optionalText } from '../common/text-input.util';
import { TandemErrors } from './tandem-errors';

// A town's result of a tandem (the conclusion form, issue 23): how far it took over what the pair worked on.
const ADOPTIONS = ['yes', 'partly', 'no', 'planned'] as const;
export type Adoption = (typeof ADOPTIONS)[number];
export const ADOPTION_DE: Record<Adoption, string> = { yes: 'ja', partly: 'teilweise', no: 'nein', planned: 'geplant' };

export const RESULT_MAX_LENGTH = 2000;

/** The conclusion form as sent: free text, the adoption, a rating 1–5, whether the office may publish it, topics. */
export interface ResultInput {
  tried?: string;
  learnt?: string;
  topics?: string[];
  adoption?: unknown;
  rating?: unknown;
  mayPublish?: unknown;
}

/** The checked result of one town, or a 400 naming what is missing; `known` are the catalogue's topic names by slug. */
export function parseResult(r: ResultInput | undefined, known: Readonly<Record<string, string>>) {
  const tried = optionalText(
    r?.tried,
    RESULT_MAX_LENGTH,
    'tried',
    'What was taken over or tried',
    'Was Sie übernommen oder ausprobiert haben',
  );
  const learnt = optionalText(r?.learnt, RESULT_MAX_LENGTH, 'learnt', 'What was worked on', 'Woran Sie gearbeitet haben');
  if (tried.length < 3 || learnt.length < 3) throw TandemErrors.resultRequired();
  const adoption = ADOPTIONS.find((a) => a === r?.adoption);
  if (!adoption) throw TandemErrors.invalidAdoption();
  const rating = typeof r?.rating === 'string' ? Number(r.rating) : r?.rating;
  if (typeof rating !== 'number' || !Number.isInteger(rating) || rating < 1 || rating > 5) throw TandemErrors.invalidRating();
  const mayPublish = r?.mayPublish === true || r?.mayPublish === 'ja';
  const topics = [...new Set((r?.topics ?? []).map(String))];
  if (topics.some((t) => !known[t]) || topics.length > 10) throw TandemErrors.unknownResultTopic();
  return { takenOver: tried, workedOn: learnt, adoption, rating, mayPublish, topics };
}
