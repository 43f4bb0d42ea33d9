import { CanActivate, ExecutionContext, HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError } from '../common/domain-error';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { RateLimitRepository } from '../security/rate-limit.repository';

const WINDOW_SECONDS = 3600;

/** Feedback messages per client address and hour, as many as registrations (REGISTRATION_RATE_LIMIT). */
@Injectable()
export class FeedbackRateLimitGuard implements CanActivate {
  constructor(
    private readonly counters: RateLimitRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    const [hit] = await this.counters.hit([{ key: `accessibility-feedback:ip:${req.ip ?? 'unknown'}`, windowSeconds: WINDOW_SECONDS }]);
    if (hit.hits <= this.config.registrationRateLimit) return true;
    context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(hit.secondsLeft));
    throw new DomainError(
      HttpStatus.TOO_MANY_REQUESTS,
      'too_many_feedback_messages',
      'Too many messages from this address; please try again later',
      'Zu viele Nachrichten von diesem Anschluss. Bitte versuchen Sie es später erneut.',
    );
  }
}
