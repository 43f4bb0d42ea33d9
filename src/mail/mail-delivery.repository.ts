import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { MailDelivery } from './mail-delivery.entity';
import { queryChanged, queryRows } from '../database/typed-query.util';

export interface NewDelivery {
  dedupeKey: string;
  recipient: string;
  template: string;
  context: Record<string, unknown>;
  /** Extra message headers (e.g. List-Unsubscribe); most emails need none. */
  headers?: Record<string, string>;
  /** Reply-To header (e.g. the Geschäftsstelle); the sender stays MAIL_FROM. */
  replyTo?: string | null;
  /** Parts stored with the row (e.g. an iCalendar invitation), so the job needs nothing but the row to send. */
  attachments?: MailAttachment[];
}

export interface MailAttachment {
  filename: string;
  /** 'text/calendar' parts are sent as the message's calendar alternative (nodemailer icalEvent) with `method`. */
  contentType: string;
  content: string;
  method?: string;
}

@Injectable()
export class MailDeliveryRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** Inserts the promise to send; an existing dedupe key wins, so re-running a caller adds no second email. */
  async insert(d: NewDelivery, manager: EntityManager = this.ds.manager): Promise<string> {
    const rows = await queryRows<{ id: string }>(
      manager,
      `INSERT INTO mail_delivery (dedupe_key, recipient, template, context, reply_to, headers, attachments) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (dedupe_key) DO UPDATE SET dedupe_key = EXCLUDED.dedupe_key RETURNING id`,
      [
        d.dedupeKey,
        d.recipient,
        d.template,
        JSON.stringify(d.context),
        d.replyTo ?? null,
        JSON.stringify(d.headers ?? {}),
        JSON.stringify(d.attachments ?? []),
      ],
    );
    return rows[0].id;
  }

  /** insert() for many rows in one statement (a batch of digests); answers the ids in input order. */
  async insertMany(ds: NewDelivery[], manager: EntityManager = this.ds.manager): Promise<string[]> {
    if (!ds.length) return [];
    const rows = await queryRows<{ id: string; dedupeKey: string }>(
      manager,
      `INSERT INTO mail_delivery (dedupe_key, recipient, template, context, reply_to, headers)
       SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::jsonb[], $5::varchar[], $6::jsonb[])
       ON CONFLICT (dedupe_key) DO UPDATE SET dedupe_key = EXCLUDED.dedupe_key RETURNING id, dedupe_key AS "dedupeKey"`,
      [
        ds.map((d) => d.dedupeKey),
        ds.map((d) => d.recipient),
        ds.map((d) => d.template),
        ds.map((d) => JSON.stringify(d.context)),
        ds.map((d) => d.replyTo ?? null),
        ds.map((d) => JSON.stringify(d.headers ?? {})),
      ],
    );
    const byKey = new Map(rows.map((r) => [r.dedupeKey, r.id]));
    return ds.map((d) => byKey.get(d.dedupeKey)!);
  }

  /** Atomically takes a delivery for sending; null when it is sent or another worker holds it. */
  async claim(id: string, staleAfterSeconds = 600): Promise<MailDelivery | null> {
    // One statement claims and reads (an UPDATE … RETURNING, hence queryChanged).
    const { rows } = await queryChanged<MailDelivery>(
      this.ds,
      `UPDATE mail_delivery SET status = 'sending', claimed_at = now(), attempts = attempts + 1
       WHERE id = $1 AND (status IN ('queued', 'failed') OR (status = 'sending' AND claimed_at < now() - make_interval(secs => $2)))
       RETURNING id, dedupe_key AS "dedupeKey", recipient, template, context, headers, reply_to AS "replyTo", attachments, status, attempts`,
      [id, staleAfterSeconds],
    );
    return rows[0] ?? null;
  }

  /** claim() for many ids in one statement; the deliveries this call got, by id (missing: sent or held elsewhere). */
  async claimMany(ids: string[], staleAfterSeconds = 600): Promise<Map<string, MailDelivery>> {
    const { rows } = await queryChanged<MailDelivery>(
      this.ds,
      `UPDATE mail_delivery SET status = 'sending', claimed_at = now(), attempts = attempts + 1
       WHERE id = ANY($1::uuid[]) AND (status IN ('queued', 'failed') OR (status = 'sending' AND claimed_at < now() - make_interval(secs => $2)))
       RETURNING id, dedupe_key AS "dedupeKey", recipient, template, context, headers, reply_to AS "replyTo", status, attempts`,
      [ids, staleAfterSeconds],
    );
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** markSent() for many rows in one statement. */
  async markSentMany(sent: { id: string; subject: string; messageId: string }[]): Promise<void> {
    if (!sent.length) return;
    await this.ds.query(
      `UPDATE mail_delivery d SET status = 'sent', subject = x.subject, message_id = x.message_id, sent_at = now(), last_error = NULL
       FROM unnest($1::uuid[], $2::varchar[], $3::varchar[]) AS x(id, subject, message_id) WHERE d.id = x.id`,
      [sent.map((s) => s.id), sent.map((s) => s.subject), sent.map((s) => s.messageId)],
    );
  }

  async markSent(id: string, subject: string, messageId: string): Promise<void> {
    await this.ds.query(
      `UPDATE mail_delivery SET status = 'sent', subject = $2, message_id = $3, sent_at = now(), last_error = NULL WHERE id = $1`,
      [id, subject, messageId],
    );
  }

  async markFailed(id: string, error: string): Promise<void> {
    await this.ds.query(`UPDATE mail_delivery SET status = 'failed', last_error = $2 WHERE id = $1`, [id, error.slice(0, 2000)]);
  }

  /** Deliveries whose job may have been lost (queue unreachable at the time, or a crashed worker). */
  async findStranded(olderThanSeconds: number, limit = 500, staleAfterSeconds = 600): Promise<string[]> {
    const rows = await queryRows<{ id: string }>(
      this.ds,
      `SELECT id FROM mail_delivery
       WHERE (status = 'queued' AND created_at < now() - make_interval(secs => $1))
          OR (status = 'sending' AND claimed_at < now() - make_interval(secs => $3))
       ORDER BY created_at LIMIT $2`,
      [olderThanSeconds, limit, staleAfterSeconds],
    );
    return rows.map((r: { id: string }) => r.id);
  }

  findById(id: string): Promise<MailDelivery | null> {
    return this.ds.getRepository(MailDelivery).findOneBy({ id });
  }

  /** What was sent to an address: template, subject, status and times, not the stored context (it carries live link tokens). */
  sentTo(email: string): Promise<Record<string, unknown>[]> {
    return queryRows<Record<string, unknown>>(
      this.ds,
      `SELECT template, subject, status, created_at AS "createdAt", sent_at AS "sentAt" FROM mail_delivery
       WHERE lower(recipient) = lower($1) ORDER BY created_at`,
      [email],
    );
  }

  /** An erased person: queued mails to the address are cancelled, sent ones forget it (`placeholder` instead). */
  async forgetRecipient(m: EntityManager, email: string, placeholder: string): Promise<void> {
    await m.query(`UPDATE mail_delivery SET status = 'cancelled' WHERE lower(recipient) = lower($1) AND status IN ('queued', 'failed')`, [
      email,
    ]);
    await m.query(`UPDATE mail_delivery SET recipient = $2, context = '{}'::jsonb WHERE lower(recipient) = lower($1)`, [
      email,
      placeholder,
    ]);
  }
}
