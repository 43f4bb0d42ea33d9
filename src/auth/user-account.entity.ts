import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type UserRole = 'town_contact' | 'office' | 'admin';
export type ContactFunction = 'mayor' | 'deputy' | 'staff';

@Entity('user_account')
export class UserAccount {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column() email: string;
  @Column({ select: false }) passwordHash: string;
  @Column({ type: 'enum', enum: ['town_contact', 'office', 'admin'], enumName: 'user_role' }) role: UserRole;
  @Column() displayName: string;
  @Column({ type: 'uuid', nullable: true }) townId: string | null;
  @Column({ type: 'varchar', nullable: true }) contactFunction: ContactFunction | null;
  @Column({ type: 'timestamptz', nullable: true }) emailConfirmedAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) privacyAcceptedAt: Date | null;
  @Column({ default: false }) mainContact: boolean;
  /** Optional; shown to tandem partners from approval on (issue 23). */
  @Column({ type: 'varchar', nullable: true }) phone: string | null;
  @Column({ type: 'timestamptz', nullable: true }) deletedAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
