import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MailService } from '../mail/mail.service';
import { AccessibilityFeedbackRepository } from './accessibility-feedback.repository';
import type { FeedbackInput } from './accessibility-feedback.util';

const RECEIVED = new Intl.DateTimeFormat('de-DE', { timeZone: 'Europe/Berlin', dateStyle: 'full', timeStyle: 'short' });

/** Keeps a message about a barrier and mails it to every office account (one transaction, mails after commit). */
@Injectable()
export class AccessibilityFeedbackService {
  constructor(
    private readonly repo: AccessibilityFeedbackRepository,
    private readonly mail: MailService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async submit(input: FeedbackInput): Promise<{ id: string; recipients: number }> {
    const { id, ids } = await this.repo.transaction(async (m) => {
      const row = await this.repo.insert(input, m);
      const office = await this.repo.officeRecipients(m);
      const context = {
        name: input.name,
        email: input.email,
        page: input.page,
        message: input.message,
        receivedAt: `${RECEIVED.format(row.createdAt)} Uhr`,
        statementUrl: `${this.config.appUrl}/barrierefreiheit`,
      };
      const ids: string[] = [];
      for (const o of office) {
        const delivery = {
          dedupeKey: `accessibility-feedback:${row.id}:${o.id}`,
          recipient: o.email,
          template: 'accessibility-feedback',
          context: { ...context, displayName: o.displayName },
          // The office answers the person directly when they left an address.
          replyTo: input.email || null,
        };
        ids.push(await this.mail.record(delivery, m));
      }
      return { id: row.id, ids };
    });
    await this.mail.dispatch(ids);
    return { id, recipients: ids.length };
  }
}
