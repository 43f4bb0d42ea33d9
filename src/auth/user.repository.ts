import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EmailToken } from './email-token.entity';
import { sessionCache } from './session-cache';
import type { SessionUser } from './session-user';
import { UserAccount } from './user-account.entity';
import { queryChanged, queryRows } from '../database/typed-query.util';
import { TransactionalRepository } from '../database/transactional.repository';

/** An account as the recipient of a mail. */
export interface MailContact {
  id: string;
  email: string;
  displayName: string;
}

/** What an erased person's row shows instead of a name. */
const FORMER_CONTACT = 'ehemaliger Kontakt';

/** How often a town contact gets the weekly digest (user_account.digest_frequency). */
export type DigestFrequency = 'weekly' | 'biweekly' | 'monthly' | 'off';

@Injectable()
export class UserRepository extends TransactionalRepository {
  /** A town contact's digest setting; null for anyone else. */
  async digestFrequencyOf(userId: string): Promise<DigestFrequency | null> {
    const rows = await queryRows<{ f: DigestFrequency }>(
      this.ds,
      `SELECT digest_frequency AS f FROM user_account WHERE id = $1 AND role = 'town_contact'`,
      [userId],
    );
    return rows[0]?.f ?? null;
  }

  /** False when the account is no town contact (the office gets no digest). */
  async setDigestFrequency(userId: string, frequency: DigestFrequency): Promise<boolean> {
    const { count } = await queryChanged(this.ds, `UPDATE user_account SET digest_frequency = $2 WHERE id = $1 AND role = 'town_contact'`, [
      userId,
      frequency,
    ]);
    return count > 0;
  }

  findById(id: string, m: EntityManager = this.ds.manager): Promise<UserAccount | null> {
    return m.getRepository(UserAccount).findOneBy({ id });
  }

  /** What a signed-in request needs about its user, with the town's status, in one round trip. */
  async findSessionUser(id: string): Promise<(SessionUser & { deleted: boolean; townStatus: string | null }) | null> {
    const rows = await queryRows<SessionUser & { deleted: boolean; townStatus: string | null }>(
      this.ds,
      `SELECT u.id, u.email, u.role, u.display_name AS "displayName", u.town_id AS "townId", u.deleted_at IS NOT NULL AS deleted,
              t.status AS "townStatus"
       FROM user_account u LEFT JOIN town t ON t.id = u.town_id WHERE u.id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  async findWithHashByEmail(email: string): Promise<UserAccount | null> {
    return this.ds
      .getRepository(UserAccount)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('lower(u.email) = lower(:email)', { email })
      .getOne();
  }

  /**
   * A successful sign-in (issue 23): the account's last_login_at, and a town paused for dormancy takes part again.
   * True when that pause was lifted (the caller audits it and asks for fresh suggestions).
   */
  async recordSignIn(m: EntityManager, userId: string, townId: string | null): Promise<boolean> {
    await m.query(`UPDATE user_account SET last_login_at = now() WHERE id = $1`, [userId]);
    if (!townId) return false;
    // Through a CTE: a plain UPDATE … RETURNING answers [rows, count] here, not the rows.
    const lifted = await queryRows<{ id: string }>(
      m,
      `WITH u AS (UPDATE town SET dormant_since = NULL WHERE id = $1 AND dormant_since IS NOT NULL RETURNING id) SELECT id FROM u`,
      [townId],
    );
    return lifted.length > 0;
  }

  async findWithHashById(id: string): Promise<UserAccount | null> {
    return this.ds.getRepository(UserAccount).createQueryBuilder('u').addSelect('u.passwordHash').where('u.id = :id', { id }).getOne();
  }

  /** Emails are unique regardless of case. */
  async findIdByEmail(email: string, manager: EntityManager = this.ds.manager): Promise<string | null> {
    const rows = await queryRows<{ id: string }>(manager, `SELECT id FROM user_account WHERE lower(email) = lower($1)`, [email]);
    return rows[0]?.id ?? null;
  }

  /** The status of the user's town (null for office accounts): a contact of a rejected application is out. */
  async townStatusOf(userId: string, manager: EntityManager = this.ds.manager): Promise<string | null> {
    const rows = await queryRows<{ status: string }>(
      manager,
      `SELECT t.status FROM user_account u JOIN town t ON t.id = u.town_id WHERE u.id = $1`,
      [userId],
    );
    return rows[0]?.status ?? null;
  }

  /**
   * Deletes applications nobody confirmed before the link ran out (town, contact and tokens), so the address
   * can register again; with an email, only the application of that address. Returns how many went.
   */
  async purgeExpiredRegistrations(manager: EntityManager = this.ds.manager, email?: string): Promise<number> {
    // Counted in SQL: for a DELETE, TypeORM's query() answers [rows, affectedCount], whose length is always 2.
    const [{ n }] = await queryRows<{ n: number }>(
      manager,
      `WITH gone AS (DELETE FROM town t WHERE t.status = 'pending'
         AND NOT EXISTS (SELECT 1 FROM user_account u WHERE u.town_id = t.id AND u.email_confirmed_at IS NOT NULL)
         AND NOT EXISTS (SELECT 1 FROM user_account u JOIN email_token e ON e.user_id = u.id
                          WHERE u.town_id = t.id AND e.purpose = 'confirm-email' AND e.used_at IS NULL AND e.expires_at > now())
         AND ($1::text IS NULL OR EXISTS (SELECT 1 FROM user_account u WHERE u.town_id = t.id AND lower(u.email) = lower($1)))
       RETURNING t.id) SELECT count(*)::int AS n FROM gone`,
      [email ?? null],
    );
    return n;
  }

  /** Ends every session of these users (connect-pg-simple keeps passport's user id in the JSON). */
  async endSessions(manager: EntityManager, userIds: string[]): Promise<void> {
    if (!userIds.length) return;
    // This process's cached sessions and users go at once (and stay uncached until the change has committed).
    sessionCache.dropUsers(userIds);
    await manager.query(`DELETE FROM http_session WHERE sess -> 'passport' ->> 'user' = ANY($1::text[])`, [userIds]);
  }

  async emailExists(email: string, manager: EntityManager = this.ds.manager): Promise<boolean> {
    return (await this.findIdByEmail(email, manager)) !== null;
  }

  /** An account whose email needs no confirmation (created by the office's command line or the demo seed). */
  async insertConfirmed(
    manager: EntityManager,
    u: {
      email: string;
      passwordHash: string;
      role: UserAccount['role'];
      displayName: string;
      townId?: string | null;
      contactFunction?: string | null;
    },
  ): Promise<string> {
    const [row] = await queryRows<{ id: string }>(
      manager,
      `INSERT INTO user_account (email, password_hash, role, display_name, town_id, contact_function, email_confirmed_at)
       VALUES ($1, $2, $3, $4, $5, $6, now()) RETURNING id`,
      [u.email, u.passwordHash, u.role, u.displayName, u.townId ?? null, u.contactFunction ?? null],
    );
    return row.id;
  }

  create(manager: EntityManager, user: Partial<UserAccount>): Promise<UserAccount> {
    return manager.getRepository(UserAccount).save(manager.getRepository(UserAccount).create(user));
  }

  findContactsOfTown(townId: string, manager: EntityManager = this.ds.manager): Promise<UserAccount[]> {
    return manager.getRepository(UserAccount).find({ where: { townId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** Makes this contact the town's main contact (the one unique per town), in the caller's transaction. */
  async setMainContact(manager: EntityManager, townId: string, userId: string): Promise<void> {
    await manager.query(`UPDATE user_account SET main_contact = false WHERE town_id = $1 AND main_contact AND id <> $2`, [townId, userId]);
    await manager.query(`UPDATE user_account SET main_contact = true WHERE id = $1 AND town_id = $2`, [userId, townId]);
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

  /** The privacy consent an invited contact gives when accepting (the registration records it on creation). */
  async recordPrivacyConsent(manager: EntityManager, userId: string): Promise<void> {
    await manager.query(`UPDATE user_account SET privacy_accepted_at = now() WHERE id = $1`, [userId]);
  }

  async setPasswordHash(manager: EntityManager, userId: string, passwordHash: string): Promise<void> {
    sessionCache.dropUsers([userId]);
    await manager.query(`UPDATE user_account SET password_hash = $2 WHERE id = $1`, [userId, passwordHash]);
  }

  async setEmail(manager: EntityManager, userId: string, email: string): Promise<void> {
    sessionCache.dropUsers([userId]);
    await manager.query(`UPDATE user_account SET email = $2, email_confirmed_at = now() WHERE id = $1`, [userId, email]);
  }

  /** Following a reset link proves the mailbox, like the confirmation link does. */
  async markTokenUsed(manager: EntityManager, tokenId: string, userId: string): Promise<void> {
    await this.useToken(manager, tokenId, userId);
  }

  /** Earlier links of the same purpose stop working when a new one is sent or one is used. */
  async revokeTokens(manager: EntityManager, userId: string, purpose: string): Promise<void> {
    await manager.query(`UPDATE email_token SET used_at = now() WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL`, [
      userId,
      purpose,
    ]);
  }

  /** An unused, unexpired token (read only; use findTokenForUpdate to consume it). */
  async findLiveToken(tokenHash: string, purpose: string): Promise<EmailToken | null> {
    const t = await this.ds.getRepository(EmailToken).findOneBy({ tokenHash, purpose });
    return t && !t.usedAt && t.expiresAt.getTime() > Date.now() ? t : null;
  }

  /** The phone number a contact gave for tandem partners (null: none). */
  async phoneOf(userId: string): Promise<string | null> {
    const rows = await queryRows<{ phone: string | null }>(this.ds, `SELECT phone FROM user_account WHERE id = $1`, [userId]);
    return rows[0]?.phone ?? null;
  }

  async setPhone(userId: string, phone: string | null): Promise<void> {
    await this.ds.query(`UPDATE user_account SET phone = $2 WHERE id = $1`, [userId, phone]);
  }

  /** A town's confirmed contacts as mail recipients (for the tandem and workshop mails). */
  confirmedContactsOfTown(m: EntityManager, townId: string): Promise<MailContact[]> {
    return queryRows<MailContact>(
      m,
      `SELECT id, email, display_name AS "displayName" FROM user_account WHERE town_id = $1 AND email_confirmed_at IS NOT NULL ORDER BY created_at`,
      [townId],
    );
  }

  /** The office's accounts as mail recipients. */
  officeContacts(m: EntityManager): Promise<MailContact[]> {
    return queryRows<MailContact>(
      m,
      `SELECT id, email, display_name AS "displayName" FROM user_account WHERE role IN ('office', 'admin') ORDER BY created_at`,
    );
  }

  /**
   * Erases the person but keeps the row, so the town's history still points at someone: "ehemaliger Kontakt",
   * no address, no password, no town. Returns the erased address and its placeholder, for the outbox to forget
   * (accounts' AccountErasure).
   */
  async anonymise(m: EntityManager, userId: string): Promise<{ email: string; placeholder: string }> {
    const [{ email }] = await queryRows<{ email: string }>(m, `SELECT email FROM user_account WHERE id = $1`, [userId]);
    const placeholder = `geloescht-${userId}@konto.invalid`;
    await m.query(`DELETE FROM email_token WHERE user_id = $1`, [userId]);
    await m.query(
      `UPDATE user_account SET email = $2, display_name = $3, password_hash = '!', town_id = NULL, contact_function = NULL,
         main_contact = false, email_confirmed_at = NULL, privacy_accepted_at = NULL, deleted_at = now() WHERE id = $1`,
      [userId, placeholder, FORMER_CONTACT],
    );
    return { email, placeholder };
  }
}
