import { waitFor } from '../../utils/wait-for';

describe('waitFor (the tests’ only way to wait)', () => {
  it('returns the first truthy value of the probe', async () => {
    let calls = 0;
    await expect(waitFor(() => (++calls >= 3 ? { calls } : null), { intervalMs: 1, what: 'three calls' })).resolves.toEqual({ calls: 3 });
  });

  it('fails with a message naming what it waited for and the last value, instead of giving up silently', async () => {
    await expect(waitFor(() => 0, { timeoutMs: 30, intervalMs: 5, what: 'the answer' })).rejects.toThrow(
      /Timed out after 30 ms waiting for the answer \(last value: 0\)/,
    );
    await expect(
      waitFor(() => Promise.reject(new Error('ECONNREFUSED')), { timeoutMs: 30, intervalMs: 5, what: 'the server' }),
    ).rejects.toThrow(/waiting for the server \(last error: ECONNREFUSED\)/);
  });
});
