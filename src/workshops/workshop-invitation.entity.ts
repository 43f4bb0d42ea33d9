import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { InvitationState } from './workshop-transitions.util';

// One town's invitation to one workshop (unique per workshop and town), with its answer.
@Entity('workshop_invitation')
export class WorkshopInvitation {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) workshopId: string;
  @Column({ type: 'uuid' }) townId: string;
  @Column({ type: 'varchar' }) state: InvitationState;
  /** German reasons why the town was chosen (from the matching scores), as the invitation mail says them. */
  @Column({ type: 'text' }) chosenBecause: string;
  @Column({ type: 'varchar', nullable: true }) answerReason: string | null;
  @Column({ type: 'uuid', nullable: true }) answeredBy: string | null;
  @Column({ type: 'timestamptz', nullable: true }) answeredAt: Date | null;
  @Column({ type: 'timestamptz' }) invitedAt: Date;
}
