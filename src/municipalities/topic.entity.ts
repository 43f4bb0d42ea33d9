import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('topic')
export class Topic {
  @PrimaryColumn() slug: string;
  @Column() name: string;
  @Column({ type: 'smallint' }) sortOrder: number;
  @Column() active: boolean;
}
