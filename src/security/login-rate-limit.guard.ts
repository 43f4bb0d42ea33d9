import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { createHash } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { hitOrRefuse, type CountedLimit } from './rate-limit-refusal';
import { RateLimitRepository } from './rate-limit.repository';

const IP_WINDOW_SECONDS = 60;
const ACCOUNT_WINDOW_SECONDS = 15 * 60;

/**
 * Login attempts per client address (LOGIN_RATE_LIMIT a minute) and per account (LOGIN_ACCOUNT_RATE_LIMIT in 15
 * minutes, whatever the address), counted in PostgreSQL. The client address is req.ip, which honours
 * X-Forwarded-For only when TRUST_PROXY names the proxy. Every attempt counts, also one with the right password.
 */
@Injectable()
export class LoginRateLimitGuard implements CanActivate {
  constructor(
    private readonly counters: RateLimitRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    const limits: CountedLimit[] = [
      { key: `login:ip:${req.ip ?? 'unknown'}`, windowSeconds: IP_WINDOW_SECONDS, limit: this.config.loginRateLimit },
    ];
    const email = (req.body as Record<string, unknown> | undefined)?.email;
    if (typeof email === 'string' && email.trim()) {
      // Hashed: the counter table keeps no addresses.
      const key = `login:account:${createHash('sha256').update(email.trim().toLowerCase()).digest('hex')}`;
      limits.push({ key, windowSeconds: ACCOUNT_WINDOW_SECONDS, limit: this.config.loginAccountRateLimit });
    }
    return hitOrRefuse(this.counters, context, limits, {
      code: 'too_many_login_attempts',
      message: 'Too many login attempts; please wait and try again later',
      messageDe: 'Zu viele Anmeldeversuche. Bitte warten Sie einige Minuten und versuchen Sie es dann erneut.',
    });
  }
}
