import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

// One digest run per ISO week ("2026-W49"): triggering the same week again reuses this row.
@Entity('digest_run')
export class DigestRun {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'varchar' }) period: string;
  @Column({ type: 'varchar' }) trigger: string;
  @Column({ type: 'varchar' }) status: 'fanning_out' | 'fanned_out';
  @Column({ type: 'integer' }) recipients: number;
  @Column({ type: 'integer' }) notDue: number;
  @Column({ type: 'uuid', nullable: true }) startedBy: string | null;
  @Column({ type: 'timestamptz' }) startedAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) fannedOutAt: Date | null;
}

// One row per contact and week, written before the email is promised; its unique key (user_id, period) is the
// reason a digest can never go out twice.
@Entity('digest_recipient')
export class DigestRecipientRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) runId: string;
  @Column({ type: 'uuid' }) userId: string;
  @Column({ type: 'uuid' }) townId: string;
  @Column({ type: 'varchar' }) period: string;
  @Column({ type: 'varchar' }) outcome: 'mailed' | 'skipped';
  @Column({ type: 'varchar', nullable: true }) skipReason: string | null;
  @Column({ type: 'text', array: true }) items: string[];
  @Column({ type: 'uuid', nullable: true }) deliveryId: string | null;
  @Column({ type: 'timestamptz' }) createdAt: Date;
}
