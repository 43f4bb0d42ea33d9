import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { MailAttachment } from './mail-delivery.repository';

export type DeliveryStatus = 'queued' | 'sending' | 'sent' | 'failed';

// The delivery state of one promised email (novu-style: the job carries only this row's id).
@Entity('mail_delivery')
export class MailDelivery {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column() dedupeKey: string;
  @Column() recipient: string;
  @Column() template: string;
  @Column({ type: 'jsonb' }) context: Record<string, unknown>;
  @Column({ type: 'jsonb' }) headers: Record<string, string>;
  @Column({ type: 'varchar' }) status: DeliveryStatus;
  @Column({ type: 'smallint' }) attempts: number;
  @Column({ type: 'varchar', nullable: true }) replyTo: string | null;
  @Column({ type: 'jsonb' }) attachments: MailAttachment[];
  @Column({ type: 'varchar', nullable: true }) subject: string | null;
  @Column({ type: 'varchar', nullable: true }) messageId: string | null;
  @Column({ type: 'text', nullable: true }) lastError: string | null;
  @Column({ type: 'timestamptz', nullable: true }) claimedAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) sentAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
