import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { RateLimitRepository } from './rate-limit.repository';

const WINDOW_SECONDS = 3600;

/** The kinds of mail anyone (or any signed-in account) can make the service send to an address of their choice. */
export type AddressMailKind = 'password-reset' | 'email-change' | 'invitation-notice' | 'event-registration';

/**
 * Mails per recipient address and hour (ADDRESS_MAIL_RATE_LIMIT, each kind counted on its own), in the PostgreSQL
 * counters the login and registration limits use: no client address or header resets it. The caller answers as it
 * always does and sends nothing when this says no, so the limit tells nobody whether the address has an account.
 */
@Injectable()
export class AddressMailLimit {
  private readonly logger = new Logger(AddressMailLimit.name);

  constructor(
    private readonly counters: RateLimitRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Counts one mail of `kind` to `email`; false (and a log line) once the address is over its hourly limit. */
  async allow(kind: AddressMailKind, email: string): Promise<boolean> {
    // Hashed: the counter table keeps no addresses.
    const address = createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
    const [hit] = await this.counters.hit([{ key: `mail-to:${kind}:${address}`, windowSeconds: WINDOW_SECONDS }]);
    if (hit.hits <= this.config.addressMailRateLimit) return true;
    this.logger.warn(
      `${kind} mail not sent: address ${address.slice(0, 12)}… had ${hit.hits - 1} this hour (limit ${this.config.addressMailRateLimit})`,
    );
    return false;
  }
}
