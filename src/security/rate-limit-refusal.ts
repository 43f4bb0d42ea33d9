import { HttpStatus, type ExecutionContext } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError } from '../common/domain-error';
import type { RateLimitRepository } from './rate-limit.repository';

/** One counter a request hits: its key, its window, and how many hits the window allows. */
export interface CountedLimit {
  key: string;
  windowSeconds: number;
  limit: number;
}

/** What a refused request reads: a stable code, English for the API, German for the pages. */
export interface LimitRefusal {
  code: string;
  message: string;
  messageDe: string;
}

/**
 * Counts one hit on every key (in PostgreSQL, shared by all web processes). Past any key's limit: Retry-After with the
 * longest wait of the keys over their limit, and a 429 with the refusal's messages. The guards' common tail.
 */
export async function hitOrRefuse(
  counters: RateLimitRepository,
  context: ExecutionContext,
  limits: CountedLimit[],
  refusal: LimitRefusal,
): Promise<true> {
  // hit() answers in its own (sorted) order: look each limit up by key.
  const limitOf = new Map(limits.map((l) => [l.key, l.limit]));
  const hits = await counters.hit(limits.map(({ key, windowSeconds }) => ({ key, windowSeconds })));
  const over = hits.filter((h) => h.hits > limitOf.get(h.key)!);
  if (!over.length) return true;
  context
    .switchToHttp()
    .getResponse<Response>()
    .setHeader('Retry-After', String(Math.max(...over.map((h) => h.secondsLeft))));
  throw new DomainError(HttpStatus.TOO_MANY_REQUESTS, refusal.code, refusal.message, refusal.messageDe);
}
