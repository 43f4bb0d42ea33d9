import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { WorkshopFormat, WorkshopState } from './workshop-transitions.util';

// A transfer workshop: 4–6 towns of different Bundesländer on one theme, from draft to a documented result.
@Entity('workshop')
export class Workshop {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'varchar' }) themeSlug: string;
  @Column({ type: 'varchar' }) title: string;
  @Column({ type: 'timestamptz', nullable: true }) startsAt: Date | null;
  @Column({ type: 'smallint' }) durationMinutes: number;
  @Column({ type: 'varchar' }) format: WorkshopFormat;
  @Column({ type: 'uuid', nullable: true }) hostTownId: string | null;
  @Column({ type: 'varchar' }) address: string;
  @Column({ type: 'varchar' }) onlineLink: string;
  @Column({ type: 'varchar' }) state: WorkshopState;
  /** iCalendar SEQUENCE: raised on every change of date or place, so calendars replace the old entry. */
  @Column({ type: 'integer' }) sequence: number;
  @Column({ type: 'timestamptz', nullable: true }) invitationsClosedAt: Date | null;
  @Column({ type: 'varchar', nullable: true }) cancelReason: string | null;
  @Column({ type: 'varchar', nullable: true }) resultPresented: string | null;
  @Column({ type: 'varchar', nullable: true }) resultWillTry: string | null;
  @Column({ type: 'varchar', array: true, nullable: true }) resultTopics: string[] | null;
  @Column({ type: 'uuid', nullable: true }) runId: string | null;
  @Column({ type: 'smallint', nullable: true }) groupNo: number | null;
  @Column({ type: 'uuid', nullable: true }) createdBy: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @Column({ type: 'timestamptz' }) stateChangedAt: Date;
}
