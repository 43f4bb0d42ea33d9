import { CanActivate, ExecutionContext, HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError } from '../common/domain-error';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { RateLimitRepository } from '../security/rate-limit.repository';

const WINDOW_SECONDS = 3600;

/**
 * Registrations and password-reset requests per client address and hour (REGISTRATION_RATE_LIMIT): one counter for
 * the page and the API routes, in the PostgreSQL counters the login limit uses, so all web processes share it.
 */
@Injectable()
export class RegistrationRateLimitGuard implements CanActivate {
  constructor(
    private readonly counters: RateLimitRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    const [hit] = await this.counters.hit([{ key: `registration:ip:${req.ip ?? 'unknown'}`, windowSeconds: WINDOW_SECONDS }]);
    if (hit.hits <= this.config.registrationRateLimit) return true;
    context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(hit.secondsLeft));
    throw new DomainError(
      HttpStatus.TOO_MANY_REQUESTS,
      'too_many_registrations',
      'Too many registrations from this address; please try again later',
      'Zu viele Registrierungen von diesem Anschluss. Bitte versuchen Sie es später erneut.',
    );
  }
}
