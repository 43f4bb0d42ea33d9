import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { EmailToken } from './email-token.entity';
import { UserAccount } from './user-account.entity';

@Injectable()
export class UserRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  findById(id: string): Promise<UserAccount | null> {
    return this.ds.getRepository(UserAccount).findOneBy({ id });
  }

  async findWithHashByEmail(email: string): Promise<UserAccount | null> {
    return this.ds
      .getRepository(UserAccount)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('lower(u.email) = lower(:email)', { email })
      .getOne();
  }

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.ds.transaction(work);
  }

  /** Emails are unique regardless of case. */
  async findIdByEmail(email: string, manager: EntityManager = this.ds.manager): Promise<string | null> {
    const rows = await manager.query(`SELECT id FROM user_account WHERE lower(email) = lower($1)`, [email]);
    return rows[0]?.id ?? null;
  }

  async emailExists(email: string, manager: EntityManager = this.ds.manager): Promise<boolean> {
    return (await this.findIdByEmail(email, manager)) !== null;
  }

  /** An account whose email needs no confirmation (created by the office's command line or the demo seed). */
  async insertConfirmed(
    manager: EntityManager,
    u: { email: string; passwordHash: string; role: UserAccount['role']; displayName: string; townId?: string | null; contactFunction?: string | null },
  ): Promise<string> {
    const [row] = await manager.query(
      `INSERT INTO user_account (email, password_hash, role, display_name, town_id, contact_function, email_confirmed_at)
       VALUES ($1, $2, $3, $4, $5, $6, now()) RETURNING id`,
      [u.email, u.passwordHash, u.role, u.displayName, u.townId ?? null, u.contactFunction ?? null],
    );
    return row.id;
  }

  async setPasswordHash(manager: EntityManager, id: string, passwordHash: string): Promise<void> {
    await manager.query(`UPDATE user_account SET password_hash = $2 WHERE id = $1`, [id, passwordHash]);
  }

  create(manager: EntityManager, user: Partial<UserAccount>): Promise<UserAccount> {
    return manager.getRepository(UserAccount).save(manager.getRepository(UserAccount).create(user));
  }

  findContactsOfTown(townId: string, manager: EntityManager = this.ds.manager): Promise<UserAccount[]> {
    return manager.getRepository(UserAccount).find({ where: { townId }, order: { createdAt: 'ASC' } });
  }

  createToken(manager: EntityManager, token: Partial<EmailToken>): Promise<EmailToken> {
    return manager.getRepository(EmailToken).save(manager.getRepository(EmailToken).create(token));
  }

  /** Locks the token row so two clicks on the same link cannot both succeed. */
  findTokenForUpdate(manager: EntityManager, tokenHash: string, purpose: string): Promise<EmailToken | null> {
    return manager.getRepository(EmailToken).findOne({ where: { tokenHash, purpose }, lock: { mode: 'pessimistic_write' } });
  }

  async useToken(manager: EntityManager, tokenId: string, userId: string): Promise<void> {
    await manager.query(`UPDATE email_token SET used_at = now() WHERE id = $1`, [tokenId]);
    await manager.query(`UPDATE user_account SET email_confirmed_at = coalesce(email_confirmed_at, now()) WHERE id = $1`, [userId]);
  }
}
