import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { createHash } from 'node:crypto';
import { hitOrRefuse } from '../security/rate-limit-refusal';
import { RateLimitRepository } from '../security/rate-limit.repository';

const WINDOW_SECONDS = 3600;
/** Confirmation mails resent to one address per hour, from any client (the inbox is not flooded). */
const RESEND_PER_ADDRESS = 3;
/** Resend requests per client address and hour, whatever addresses they name (no mass mailing through us). */
const RESEND_PER_CLIENT = 10;

/**
 * "Bestätigungsmail erneut senden" on the page and the API, limited per address and per client in the PostgreSQL
 * counters the login and registration limits use. Both counters count every request, whether or not the address has
 * an account, so the limit says nothing about which addresses exist.
 */
@Injectable()
export class ConfirmationResendRateLimitGuard implements CanActivate {
  constructor(private readonly counters: RateLimitRepository) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    const body = (req.body ?? {}) as Record<string, unknown>;
    const email = typeof body.email === 'string' ? body.email.trim().toLowerCase().slice(0, 254) : '';
    // Hashed, as the login and mail limits do: the counter table keeps no addresses.
    const addressKey = `confirm-resend:email:${createHash('sha256').update(email).digest('hex')}`;
    const clientKey = `confirm-resend:ip:${req.ip ?? 'unknown'}`;
    return hitOrRefuse(
      this.counters,
      context,
      [
        { key: addressKey, windowSeconds: WINDOW_SECONDS, limit: RESEND_PER_ADDRESS },
        { key: clientKey, windowSeconds: WINDOW_SECONDS, limit: RESEND_PER_CLIENT },
      ],
      {
        code: 'too_many_confirmation_mails',
        message: 'Too many confirmation mails requested; please try again later',
        messageDe: 'Die Bestätigungsmail wurde gerade mehrfach angefordert. Bitte warten Sie etwas und sehen Sie auch im Spam-Ordner nach.',
      },
    );
  }
}
