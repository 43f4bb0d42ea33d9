// A town's result of a tandem (the conclusion form, issue 23): how far it took over what the pair worked on.
export const ADOPTIONS = ['yes', 'partly', 'no', 'planned'] as const;
export type Adoption = (typeof ADOPTIONS)[number];
export const ADOPTION_DE: Record<Adoption, string> = { yes: 'ja', partly: 'teilweise', no: 'nein', planned: 'geplant' };
