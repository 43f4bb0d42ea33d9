import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

// Written and read with SQL by the town repository (town_id references town, ON DELETE CASCADE in the migration).

@Entity('town_experience')
export class TownExperience {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') townId: string;
  @Column() topicSlug: string;
  @Column() tried: string;
  @Column() outcome: string;
}
