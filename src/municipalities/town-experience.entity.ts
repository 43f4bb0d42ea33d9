import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Town } from './town.entity';

@Entity('town_experience')
export class TownExperience {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') townId: string;
  @ManyToOne(() => Town, (t) => t.experiences, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'town_id' }) town: Relation<Town>;
  @Column() topicSlug: string;
  @Column() tried: string;
  @Column() outcome: string;
}
