import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import nodemailer, { Transporter } from 'nodemailer';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { RenderedMail } from './mail-renderer';

export interface OutgoingMail extends RenderedMail {
  to: string;
  headers: Record<string, string>;
  messageId?: string;
  replyTo?: string | null;
}

// The only place that talks SMTP (or, in the embedded mode, writes the local outbox).
@Injectable()
export class MailTransportRepository implements OnModuleDestroy {
  private readonly transporter: Transporter;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly ds: DataSource,
  ) {
    this.transporter =
      config.mailTransport.kind === 'smtp'
        ? nodemailer.createTransport(config.mailTransport.url)
        : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  }

  async send(mail: OutgoingMail): Promise<string> {
    const info = await this.transporter.sendMail({
      from: this.config.mailFrom,
      to: mail.to,
      replyTo: mail.replyTo ?? undefined,
      subject: mail.subject,
      html: mail.html,
      text: mail.text,
      headers: mail.headers,
      messageId: mail.messageId,
    });
    if (this.config.mailTransport.kind === 'outbox') {
      await this.ds.query(
        `INSERT INTO outbox_message (message_id, recipient, subject, html, text, headers) VALUES ($1, $2, $3, $4, $5, $6)`,
        [info.messageId, mail.to, mail.subject, mail.html, mail.text, JSON.stringify(mail.headers)],
      );
    }
    return info.messageId;
  }

  onModuleDestroy() {
    this.transporter.close();
  }
}

/** Keeps SMTP connections open between messages (a digest run sends thousands); the URL may set its own pool options. */
export function pooled(url: string): string {
  if (/[?&]pool=/.test(url)) return url;
  return `${url}${url.includes('?') ? '&' : '?'}pool=true&maxConnections=5&maxMessages=1000`;
}
