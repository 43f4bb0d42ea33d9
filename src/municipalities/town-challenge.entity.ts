import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

// Written and read with SQL by the town repository (town_id references town, ON DELETE CASCADE in the migration).

@Entity('town_challenge')
export class TownChallenge {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') townId: string;
  @Column() topicSlug: string;
  @Column() text: string;
  @Column({ type: 'smallint' }) urgency: number;
}
