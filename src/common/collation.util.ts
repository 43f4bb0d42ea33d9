/**
 * One German collator for the whole process: `a.localeCompare(b, 'de')` builds a new collator on every call (a sort
 * of n items builds n·log n of them), `compareGerman` reuses this one. Same order as `localeCompare(…, 'de')`.
 */
export const germanCollator = new Intl.Collator('de');

/** Sort comparator in German order ("Ä" beside "A", "Öl" before "Ofen" like a German index). */
export const compareGerman = (a: string, b: string): number => germanCollator.compare(a, b);
