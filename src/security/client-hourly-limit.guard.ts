import { CanActivate, ExecutionContext, Inject, Injectable, mixin, type Type } from '@nestjs/common';
import type { Request } from 'express';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { hitOrRefuse, type LimitRefusal } from './rate-limit-refusal';
import { RateLimitRepository } from './rate-limit.repository';

const WINDOW_SECONDS = 3600;

interface LimitSpec extends LimitRefusal {
  /** Counter key prefix; the client address is appended. */
  key: string;
}

/**
 * A guard that allows REGISTRATION_RATE_LIMIT requests per client address and hour, counted in PostgreSQL (so every web
 * process shares it, and no header resets it); past it a 429 with Retry-After and the given messages.
 */
export function ClientHourlyLimitGuard(spec: LimitSpec): Type<CanActivate> {
  @Injectable()
  class Guard implements CanActivate {
    constructor(
      readonly counters: RateLimitRepository,
      @Inject(APP_CONFIG) readonly config: AppConfig,
    ) {}

    async canActivate(context: ExecutionContext): Promise<boolean> {
      const req = context.switchToHttp().getRequest<Request>();
      const key = `${spec.key}:ip:${req.ip ?? 'unknown'}`;
      return hitOrRefuse(this.counters, context, [{ key, windowSeconds: WINDOW_SECONDS, limit: this.config.registrationRateLimit }], spec);
    }
  }
  return mixin(Guard);
}
