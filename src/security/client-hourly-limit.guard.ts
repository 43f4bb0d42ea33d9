import { CanActivate, ExecutionContext, HttpStatus, Inject, Injectable, mixin, type Type } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError } from '../common/domain-error';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { RateLimitRepository } from './rate-limit.repository';

const WINDOW_SECONDS = 3600;

interface LimitSpec {
  /** Counter key prefix; the client address is appended. */
  key: string;
  code: string;
  message: string;
  messageDe: string;
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
      const [hit] = await this.counters.hit([{ key: `${spec.key}:ip:${req.ip ?? 'unknown'}`, windowSeconds: WINDOW_SECONDS }]);
      if (hit.hits <= this.config.registrationRateLimit) return true;
      context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(hit.secondsLeft));
      throw new DomainError(HttpStatus.TOO_MANY_REQUESTS, spec.code, spec.message, spec.messageDe);
    }
  }
  return mixin(Guard);
}
