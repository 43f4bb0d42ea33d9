import { Column, Entity, PrimaryColumn } from 'typeorm';

// Reference row from the official directory (Destatis GV-ISys); never edited by users.
@Entity('municipality')
export class Municipality {
  @PrimaryColumn({ type: 'char', length: 8 }) ags: string;
  @Column({ type: 'char', length: 12 }) ars: string;
  @Column() name: string;
  @Column() nameRaw: string;
  @Column({ type: 'smallint' }) typeCode: number;
  @Column({ type: 'char', length: 2 }) stateCode: string;
  @Column() stateName: string;
  @Column({ type: 'varchar', nullable: true }) districtName: string | null;
  @Column({ type: 'varchar', nullable: true }) associationName: string | null;
  @Column({ type: 'smallint', nullable: true }) associationType: number | null;
  @Column({ type: 'integer', nullable: true }) associationPopulation: number | null;
  @Column({ type: 'integer' }) population: number;
  @Column({
    type: 'numeric',
    precision: 10,
    scale: 2,
    transformer: { to: (v: number) => v, from: (v: string | null) => (v == null ? v : Number(v)) },
  })
  areaKm2: number;
  @Column({ type: 'double precision', nullable: true }) latitude: number | null;
  @Column({ type: 'double precision', nullable: true }) longitude: number | null;
  @Column({ type: 'varchar', nullable: true }) postcode: string | null;
  @Column({ type: 'smallint', nullable: true }) degurba: number | null;
  @Column() source: string;
  @Column({ type: 'timestamptz' }) updatedAt: Date;
}
