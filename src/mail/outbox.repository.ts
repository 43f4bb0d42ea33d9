import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface OutboxMessage {
  id: string;
  recipient: string;
  subject: string;
  html: string;
  text: string;
  createdAt: Date;
}

@Injectable()
export class OutboxRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  list(limit = 200): Promise<Omit<OutboxMessage, 'html' | 'text'>[]> {
    return this.ds.query(`SELECT id, recipient, subject, created_at AS "createdAt" FROM outbox_message ORDER BY created_at DESC LIMIT $1`, [
      limit,
    ]);
  }

  async find(id: string): Promise<OutboxMessage | null> {
    const rows = await this.ds.query(
      `SELECT id, recipient, subject, html, text, created_at AS "createdAt" FROM outbox_message WHERE id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }
}
