import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { TandemOrigin, TandemState } from './core/tandem-transitions.util';

// Two towns, one topic, from request (or office proposal) to result. town_a asked (or comes first in the proposal).
@Entity('tandem')
export class Tandem {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) townA: string;
  @Column({ type: 'uuid' }) townB: string;
  @Column({ type: 'varchar', nullable: true }) topicSlug: string | null;
  @Column({ type: 'varchar' }) origin: TandemOrigin;
  @Column({ type: 'varchar' }) state: TandemState;
  @Column() requestMessage: string;
  @Column() answerMessage: string;
  @Column({ type: 'timestamptz', nullable: true }) acceptedAAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) acceptedBAt: Date | null;
  @Column({ type: 'uuid', nullable: true }) runId: string | null;
  @Column({ type: 'double precision', nullable: true }) score: number | null;
  @Column({ type: 'jsonb' }) components: unknown[];
  @Column({ type: 'varchar', nullable: true }) resultTried: string | null;
  @Column({ type: 'varchar', nullable: true }) resultLearnt: string | null;
  @Column({ type: 'varchar', array: true, nullable: true }) resultTopics: string[] | null;
  @Column({ type: 'uuid', nullable: true }) createdBy: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @Column({ type: 'timestamptz' }) stateChangedAt: Date;
  /** From then on the partners see each other's contact persons. */
  @Column({ type: 'timestamptz', nullable: true }) approvedAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) startedAt: Date | null;
  /** When both towns were asked "Passt das Tandem?" (the fit check). */
  @Column({ type: 'timestamptz', nullable: true }) fitAskedAt: Date | null;
  /** Set by the first town's result: the tandem concludes then at the latest. */
  @Column({ type: 'timestamptz', nullable: true }) resultDueAt: Date | null;
  /** The office's own reason for a pair it made outside a tandem round (null for requests and round proposals). */
  @Column({ type: 'text', nullable: true }) officeReason: string | null;
}
