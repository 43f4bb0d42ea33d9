import { CanActivate, ExecutionContext, ForbiddenException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import type { Request } from 'express';
import { isOffice, type SessionUser } from '../auth/session-user';
import { APP_CONFIG, type AppConfig } from '../config/app-config';

/**
 * The outbox shows every email, confirmation links included. On loopback only the person at the machine can
 * reach it, so it stays open (register → read the mail → confirm works without a login); once the web process
 * listens on a network it needs a Geschäftsstelle login (anonymous: login page; other accounts: 403).
 */
export function canOpenOutbox(config: AppConfig, user: SessionUser | undefined): boolean {
  return config.mailTransport.kind === 'outbox' && (config.loopbackOnly || isOffice(user));
}

@Injectable()
export class OutboxAccessGuard implements CanActivate {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const user = context.switchToHttp().getRequest<Request>().user as SessionUser | undefined;
    if (canOpenOutbox(this.config, user)) return true;
    if (!user) throw new UnauthorizedException('Authentication required');
    throw new ForbiddenException('The outbox is open to the Geschäftsstelle only');
  }
}
