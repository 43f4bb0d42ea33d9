import { DomainError } from './domain-error';

/**
 * A page's write, the pages' one rule for its failure: `work` does it and answers (mostly a 303 redirect with
 * ?erledigt=); a DomainError the person can act on shows the page again through `rerender`, with its German message
 * and its status. Any other error, and a DomainError whose status is in `toErrorPage` (a missing record's 404, a
 * refused 403), goes on to the error page.
 */
export async function rerenderOnDomainError(
  work: () => Promise<unknown>,
  rerender: (errors: string[], status: number, err: DomainError) => unknown,
  toErrorPage: readonly number[] = [],
): Promise<unknown> {
  try {
    return await work();
  } catch (err) {
    if (!(err instanceof DomainError) || toErrorPage.includes(err.getStatus())) throw err;
    return rerender([err.messageDe], err.getStatus(), err);
  }
}
