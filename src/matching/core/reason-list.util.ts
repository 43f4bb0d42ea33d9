// "Warum passt …?" as a short list (issue 30): one line per criterion with its share of the score, the strongest
// first, the tandem topic named on top; and the same list as plain-text lines for mails. Plain TypeScript.
import type { ComponentKey, ScoreComponent } from './matching-input.types';

export type ReasonPerspective = 'town' | 'office' | 'network';

interface ReasonItem {
  key: ComponentKey;
  /** The criterion in German ("Gemeinsame Themen"). */
  label: string;
  /** The reason as the perspective may read it (the component's own text, unchanged). */
  text: string;
  /** Share of the pair's score in whole percent; the shares of all contributing criteria add up to 100. */
  percent: number;
}

export interface ReasonList {
  /** The tandem topic (its German name), named above the reasons; null when none is known. */
  topic: string | null;
  items: ReasonItem[];
}

const CRITERION_LABELS: Record<ComponentKey, string> = {
  complement: 'Herausforderung und Erfahrung',
  sharedTopics: 'Gemeinsame Themen',
  size: 'Größe',
  situation: 'Lage',
  otherState: 'Bundesland',
  distance: 'Entfernung',
  example: 'Anwendungsbeispiel',
};

const textOf = (c: ScoreComponent, perspective: ReasonPerspective) =>
  perspective === 'office' ? (c.reasonOffice ?? c.reason) : perspective === 'network' ? (c.reasonNetwork ?? '') : c.reason;

/**
 * Whole percentages of `values` that add up to 100 (largest remainder; ties to the earlier index); all 0 when nothing
 * contributes.
 */
export function sharesOf(values: readonly number[]): number[] {
  const positive = values.map((v) => (Number.isFinite(v) && v > 0 ? v : 0));
  const total = positive.reduce((s, v) => s + v, 0);
  if (total <= 0) return positive.map(() => 0);
  const exact = positive.map((v) => (v / total) * 100);
  const shares = exact.map(Math.floor);
  let left = 100 - shares.reduce((s, v) => s + v, 0);
  const order = exact.map((e, i) => ({ i, rest: e - Math.floor(e) })).sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    if (positive[i] === 0) continue;
    shares[i]++;
    left--;
  }
  return shares;
}

/**
 * The reasons of a scored pair as a list: the shares come from all contributing components (so they stay the share of
 * the whole score), the lines only from those with a text in `perspective` (a reason the reader may not see is left
 * out, never rewritten), strongest first (ties in the components' order).
 */
export function reasonList(
  components: readonly ScoreComponent[] | null | undefined,
  perspective: ReasonPerspective = 'town',
  topic: string | null = null,
): ReasonList {
  const list = [...(components ?? [])];
  const shares = sharesOf(list.map((c) => c.value));
  const items = list
    .map((c, i) => ({ c, i, text: textOf(c, perspective), percent: shares[i] }))
    .filter((x) => x.text && x.c.value > 0)
    .sort((a, b) => b.c.value - a.c.value || a.i - b.i)
    .map(({ c, text, percent }) => ({ key: c.key, label: CRITERION_LABELS[c.key] ?? c.key, text, percent }));
  return { topic: topic || null, items };
}

/** The list as plain-text lines for mails: the topic first, then "– <reason> (40 %)" per criterion. */
export function reasonListLines(list: ReasonList, indent = ''): string[] {
  return [
    ...(list.topic ? [`${indent}Tandem-Thema: ${list.topic}`] : []),
    ...list.items.map((i) => `${indent}– ${i.text} (${i.percent} %)`),
  ];
}
