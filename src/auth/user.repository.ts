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

  async emailExists(email: string, manager: EntityManager = this.ds.manager): Promise<boolean> {
    const rows = await manager.query(`SELECT 1 FROM user_account WHERE lower(email) = lower($1)`, [email]);
    return rows.length > 0;
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
