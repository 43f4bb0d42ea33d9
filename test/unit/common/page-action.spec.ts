import { DomainError } from '../../../src/common/domain-error';
import { rerenderOnDomainError } from '../../../src/common/page-action';

describe('rerenderOnDomainError (the pages’ rule for a refused write)', () => {
  const refused = (status: number) => new DomainError(status, 'some_rule', 'Refused', 'Das geht so nicht.');
  const again = jest.fn((errors: string[], status: number) => ({ page: 'again', errors, status }));
  beforeEach(() => again.mockClear());

  it('answers what the write answers when it succeeds', async () => {
    await expect(rerenderOnDomainError(() => Promise.resolve('redirected'), again)).resolves.toBe('redirected');
    expect(again).not.toHaveBeenCalled();
  });

  it('shows the page again with the German message and the error’s own status', async () => {
    const out = await rerenderOnDomainError(() => Promise.reject(refused(409)), again, [404]);
    expect(out).toEqual({ page: 'again', errors: ['Das geht so nicht.'], status: 409 });
  });

  it('hands the error itself to the page (e.g. to prefix the refused step)', async () => {
    const err = refused(400);
    await rerenderOnDomainError(() => Promise.reject(err), again);
    expect(again).toHaveBeenCalledWith(['Das geht so nicht.'], 400, err);
  });

  it('lets the statuses the handler names (404, 403) and any other error go on to the error page', async () => {
    await expect(rerenderOnDomainError(() => Promise.reject(refused(404)), again, [404])).rejects.toMatchObject({ code: 'some_rule' });
    await expect(rerenderOnDomainError(() => Promise.reject(refused(403)), again, [404, 403])).rejects.toBeInstanceOf(DomainError);
    await expect(rerenderOnDomainError(() => Promise.reject(new Error('db down')), again)).rejects.toThrow('db down');
    expect(again).not.toHaveBeenCalled();
  });
});
