import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Town } from './town.entity';

@Entity('town_challenge')
export class TownChallenge {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') townId: string;
  @ManyToOne(() => Town, (t) => t.challenges, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'town_id' }) town: Relation<Town>;
  @Column() topicSlug: string;
  @Column() text: string;
  @Column({ type: 'smallint' }) urgency: number;
}
