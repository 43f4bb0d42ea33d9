import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import nodemailer, { Transporter } from 'nodemailer';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import type { MailAttachment } from './mail-delivery.repository';
import { RenderedMail } from './mail-renderer';

export interface OutgoingMail extends RenderedMail {
  to: string;
  headers: Record<string, string>;
  messageId?: string;
  replyTo?: string | null;
  attachments?: MailAttachment[];
}

// The only place that talks SMTP (or, in the embedded mode, writes the local outbox).
@Injectable()
export class MailTransportRepository implements OnModuleDestroy {
  private readonly transporter: Transporter;
  private pool: Transporter | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly ds: DataSource,
  ) {
    this.transporter =
      config.mailTransport.kind === 'smtp'
        ? nodemailer.createTransport(config.mailTransport.url)
        : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  }

  /**
   * `pooled`: over a few kept-open SMTP connections (bulk mail: the digest). Messages in a pool may overtake each
   * other, so only mail where that cannot matter (one per recipient and run) takes it; the rest opens a connection
   * per message, as before.
   */
  async send(mail: OutgoingMail, opts: { pooled?: boolean } = {}): Promise<string> {
    const parts = mail.attachments ?? [];
    const ical = parts.find((a) => a.contentType.startsWith('text/calendar'));
    const transporter = opts.pooled && this.config.mailTransport.kind === 'smtp' ? this.pooledTransporter() : this.transporter;
    const info = await transporter.sendMail({
      from: this.config.mailFrom,
      to: mail.to,
      replyTo: mail.replyTo ?? undefined,
      subject: mail.subject,
      html: mail.html,
      text: mail.text,
      headers: mail.headers,
      messageId: mail.messageId,
      // Our mail is German text, mostly Latin letters: quoted-printable, which nodemailer's heuristic picks for such
      // text anyway, without it scanning every body and header twice to decide (a tenth of a digest run's worker CPU).
      textEncoding: 'quoted-printable',
      // A calendar invitation goes as the alternative part calendar clients read (and as a file to open).
      icalEvent: ical ? { method: ical.method ?? 'REQUEST', filename: ical.filename, content: ical.content } : undefined,
      attachments: parts.filter((a) => a !== ical).map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
    });
    if (this.config.mailTransport.kind === 'outbox') {
      await this.ds.query(
        `INSERT INTO outbox_message (message_id, recipient, subject, html, text, headers, attachments, raw)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          info.messageId,
          mail.to,
          mail.subject,
          mail.html,
          mail.text,
          JSON.stringify(mail.headers),
          JSON.stringify(parts.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content }))),
          // The stream transport's built message (buffer: true): what a mailbox would have received.
          (info as { message?: Buffer }).message ?? null,
        ],
      );
    }
    return info.messageId;
  }

  private pooledTransporter(): Transporter {
    if (!this.pool && this.config.mailTransport.kind === 'smtp')
      this.pool = nodemailer.createTransport(pooled(this.config.mailTransport.url));
    return this.pool!;
  }

  onModuleDestroy() {
    this.transporter.close();
    this.pool?.close();
  }
}

/** Keeps SMTP connections open between messages (a digest run sends thousands); the URL may set its own pool options. */
function pooled(url: string): string {
  if (/[?&]pool=/.test(url)) return url;
  return `${url}${url.includes('?') ? '&' : '?'}pool=true&maxConnections=5&maxMessages=1000`;
}
