import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { MailService } from '../mail/mail.service';
import { UserRepository } from '../auth/user.repository';

/** Erases a person inside the caller's transaction: the account row (kept as "ehemaliger Kontakt") and the outbox. */
@Injectable()
export class AccountErasure {
  constructor(
    private readonly users: UserRepository,
    private readonly mail: MailService,
  ) {}

  async erase(m: EntityManager, userId: string): Promise<void> {
    const { email, placeholder } = await this.users.anonymise(m, userId);
    await this.mail.forgetRecipient(m, email, placeholder);
  }
}
