import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

// Only the SHA-256 of a token is stored; the raw token exists only in the email link.
@Entity('email_token')
export class EmailToken {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') userId: string;
  @Column() purpose: string;
  @Column({ type: 'char', length: 64 }) tokenHash: string;
  @Column({ type: 'timestamptz' }) expiresAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) usedAt: Date | null;
  @Column({ type: 'varchar', nullable: true }) newEmail: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
