import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { queryRows } from '../database/typed-query.util';

export interface OutboxMessage {
  id: string;
  recipient: string;
  subject: string;
  html: string;
  text: string;
  createdAt: Date;
  attachments: { filename: string; contentType: string }[];
}

@Injectable()
export class OutboxRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  list(limit = 200): Promise<Omit<OutboxMessage, 'html' | 'text'>[]> {
    return queryRows<Omit<OutboxMessage, 'html' | 'text'>>(
      this.ds,
      `SELECT id, recipient, subject, created_at AS "createdAt" FROM outbox_message ORDER BY created_at DESC LIMIT $1`,
      [limit],
    );
  }

  async find(id: string): Promise<OutboxMessage | null> {
    const rows = await queryRows<OutboxMessage>(
      this.ds,
      `SELECT id, recipient, subject, html, text, created_at AS "createdAt",
         coalesce((SELECT json_agg(json_build_object('filename', a->>'filename', 'contentType', a->>'contentType'))
                   FROM jsonb_array_elements(attachments) a), '[]') AS attachments
       FROM outbox_message WHERE id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** Attachment `n` (0-based) of a message, as stored. */
  async attachment(id: string, n: number): Promise<{ filename: string; contentType: string; content: string } | null> {
    const rows = await queryRows<{ a: { filename: string; contentType: string; content: string } | null }>(
      this.ds,
      `SELECT attachments -> $2::int AS a FROM outbox_message WHERE id = $1`,
      [id, n],
    );
    return rows[0]?.a ?? null;
  }

  /** The whole message as sent (RFC 5322), null for messages kept before it was stored. */
  async raw(id: string): Promise<Buffer | null> {
    const rows = await queryRows<{ raw: Buffer | null }>(this.ds, `SELECT raw FROM outbox_message WHERE id = $1`, [id]);
    return rows[0]?.raw ?? null;
  }
}
