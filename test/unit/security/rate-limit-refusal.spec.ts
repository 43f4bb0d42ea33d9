import type { ExecutionContext } from '@nestjs/common';
import { DomainError } from '../../../src/common/domain-error';
import { hitOrRefuse } from '../../../src/security/rate-limit-refusal';
import type { RateLimitHit, RateLimitRepository } from '../../../src/security/rate-limit.repository';

describe('hitOrRefuse (the rate-limit guards’ common tail)', () => {
  const refusal = { code: 'too_many', message: 'Too many', messageDe: 'Zu viele Versuche.' };
  const setup = (answers: RateLimitHit[]) => {
    const headers: Record<string, string> = {};
    const hit = jest.fn(() => Promise.resolve(answers));
    const counters = { hit } as unknown as RateLimitRepository;
    const context = {
      switchToHttp: () => ({ getResponse: () => ({ setHeader: (k: string, v: string) => (headers[k] = v) }) }),
    } as unknown as ExecutionContext;
    return { headers, hit, counters, context };
  };

  it('counts every key with its window and lets the request through within every limit', async () => {
    const { headers, hit, counters, context } = setup([
      { key: 'b', hits: 3, secondsLeft: 10 },
      { key: 'a', hits: 1, secondsLeft: 50 },
    ]);
    const limits = [
      { key: 'a', windowSeconds: 60, limit: 1 },
      { key: 'b', windowSeconds: 3600, limit: 3 },
    ];
    await expect(hitOrRefuse(counters, context, limits, refusal)).resolves.toBe(true);
    expect(hit).toHaveBeenCalledWith([
      { key: 'a', windowSeconds: 60 },
      { key: 'b', windowSeconds: 3600 },
    ]);
    expect(headers['Retry-After']).toBeUndefined();
  });

  it('past a limit: 429 with the messages, Retry-After the longest wait of the keys over their limit (answers in any order)', async () => {
    const { headers, counters, context } = setup([
      { key: 'client', hits: 11, secondsLeft: 120 },
      { key: 'address', hits: 4, secondsLeft: 900 },
      { key: 'other', hits: 1, secondsLeft: 3000 },
    ]);
    const limits = [
      { key: 'address', windowSeconds: 3600, limit: 3 },
      { key: 'client', windowSeconds: 3600, limit: 10 },
      { key: 'other', windowSeconds: 3600, limit: 5 },
    ];
    const err = await hitOrRefuse(counters, context, limits, refusal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ code: 'too_many', messageDe: 'Zu viele Versuche.' });
    expect((err as DomainError).getStatus()).toBe(429);
    expect(headers['Retry-After']).toBe('900');
  });
});
