import { Column, CreateDateColumn, Entity, JoinColumn, JoinTable, ManyToMany, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Municipality } from './municipality.entity';
import { Topic } from './topic.entity';
import type { TownChallenge } from './town-challenge.entity';
import type { TownExperience } from './town-experience.entity';
import type { ProfileField, Visibility } from './visibility/town-visibility.util';

export type TownStatus = 'pending' | 'verified' | 'rejected';

@Entity('town')
export class Town {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'char', length: 8 }) ags: string;
  @ManyToOne(() => Municipality, { eager: true }) @JoinColumn({ name: 'ags' }) municipality: Municipality;
  @Column({ type: 'enum', enum: ['pending', 'verified', 'rejected'], enumName: 'town_status' }) status: TownStatus;
  @Column() isDemo: boolean;
  @Column({ type: 'text' }) description: string;
  @Column({ type: 'smallint' }) capacity: number;
  @Column() optedOut: boolean;
  @Column({ type: 'jsonb' }) visibility: Partial<Record<ProfileField, Visibility>>;
  @Column({ type: 'text', nullable: true }) rejectionReason: string | null;
  @Column({ type: 'timestamptz', nullable: true }) decidedAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) profileUpdatedAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;

  @ManyToMany(() => Topic)
  @JoinTable({
    name: 'town_topic',
    joinColumn: { name: 'town_id' },
    inverseJoinColumn: { name: 'topic_slug', referencedColumnName: 'slug' },
  })
  topics: Topic[];
  /** Filled by TownRepository.findById from town_challenge and town_experience (no TypeORM relation: no entity cycle). */
  challenges: TownChallenge[];
  experiences: TownExperience[];
}
