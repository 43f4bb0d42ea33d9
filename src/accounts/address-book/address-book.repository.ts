import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { ContactFunction } from '../../auth/user-account.entity';
import { queryChanged, queryRows } from '../../database/typed-query.util';
import { TransactionalRepository } from '../../database/transactional.repository';

/** One entry of the office's address book of a town (table town_contact_person). */
export interface AddressBookEntry {
  id: string;
  townId: string;
  displayName: string;
  contactFunction: ContactFunction;
  email: string;
  phone: string | null;
  source: string;
  createdBy: string | null;
  createdByName: string | null;
  createdAt: Date;
  updatedAt: Date;
  optedOutAt: Date | null;
  claimedUserId: string | null;
  /** The claimed account's name while it exists (an anonymised account has none). */
  claimedByName: string | null;
}

export interface AddressBookWrite {
  displayName: string;
  contactFunction: ContactFunction;
  email: string;
  phone: string | null;
  source: string;
}

const COLUMNS = `c.id, c.town_id AS "townId", c.display_name AS "displayName", c.contact_function AS "contactFunction", c.email,
  c.phone, c.source, c.created_by AS "createdBy", cu.display_name AS "createdByName", c.created_at AS "createdAt",
  c.updated_at AS "updatedAt", c.opted_out_at AS "optedOutAt", c.claimed_user_id AS "claimedUserId",
  CASE WHEN ku.deleted_at IS NULL THEN ku.display_name END AS "claimedByName"`;
const FROM = `town_contact_person c LEFT JOIN user_account cu ON cu.id = c.created_by LEFT JOIN user_account ku ON ku.id = c.claimed_user_id`;

/** The office's address book per town (issue 25): the only file that reads or writes town_contact_person. */
@Injectable()
export class AddressBookRepository extends TransactionalRepository {
  /** The town's name and status, its row locked for the caller's transaction; null for an unknown town. */
  async lockTown(m: EntityManager, townId: string): Promise<{ id: string; name: string; status: string } | null> {
    const rows = await queryRows<{ id: string; name: string; status: string }>(
      m,
      `SELECT t.id, mu.name, t.status FROM town t JOIN municipality mu ON mu.ags = t.ags WHERE t.id = $1 FOR UPDATE OF t`,
      [townId],
    );
    return rows[0] ?? null;
  }

  async townName(townId: string, m: EntityManager = this.ds.manager): Promise<string | null> {
    const rows = await queryRows<{ name: string }>(m, `SELECT mu.name FROM town t JOIN municipality mu ON mu.ags = t.ags WHERE t.id = $1`, [
      townId,
    ]);
    return rows[0]?.name ?? null;
  }

  list(townId: string, m: EntityManager = this.ds.manager): Promise<AddressBookEntry[]> {
    return queryRows<AddressBookEntry>(m, `SELECT ${COLUMNS} FROM ${FROM} WHERE c.town_id = $1 ORDER BY c.created_at, c.id`, [townId]);
  }

  async find(townId: string, id: string, m: EntityManager = this.ds.manager): Promise<AddressBookEntry | null> {
    return (
      (await queryRows<AddressBookEntry>(m, `SELECT ${COLUMNS} FROM ${FROM} WHERE c.town_id = $1 AND c.id = $2`, [townId, id]))[0] ?? null
    );
  }

  async findById(id: string, m: EntityManager = this.ds.manager): Promise<AddressBookEntry | null> {
    return (await queryRows<AddressBookEntry>(m, `SELECT ${COLUMNS} FROM ${FROM} WHERE c.id = $1`, [id]))[0] ?? null;
  }

  /** Another entry of the town with this address (case-insensitive), for a clear answer before the unique index. */
  async emailTaken(m: EntityManager, townId: string, email: string, exceptId: string | null): Promise<boolean> {
    const rows = await queryRows<unknown>(
      m,
      `SELECT 1 FROM town_contact_person WHERE town_id = $1 AND lower(email) = lower($2) AND id IS DISTINCT FROM $3`,
      [townId, email, exceptId],
    );
    return rows.length > 0;
  }

  async insert(m: EntityManager, townId: string, createdBy: string, w: AddressBookWrite): Promise<string> {
    const rows = await queryRows<{ id: string }>(
      m,
      `INSERT INTO town_contact_person (town_id, display_name, contact_function, email, phone, source, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [townId, w.displayName, w.contactFunction, w.email, w.phone, w.source, createdBy],
    );
    return rows[0].id;
  }

  async update(m: EntityManager, id: string, w: AddressBookWrite): Promise<void> {
    await m.query(
      `UPDATE town_contact_person SET display_name = $2, contact_function = $3, email = $4, phone = $5, source = $6, updated_at = now()
       WHERE id = $1`,
      [id, w.displayName, w.contactFunction, w.email, w.phone, w.source],
    );
  }

  async delete(m: EntityManager, id: string): Promise<void> {
    await m.query(`DELETE FROM town_contact_person WHERE id = $1`, [id]);
  }

  /** "Keine weiteren Mails": the entry's town when this click opted it out, null when it was already out (or is gone). */
  async optOut(m: EntityManager, id: string): Promise<{ townId: string } | null> {
    const { rows } = await queryChanged<{ townId: string }>(
      m,
      `UPDATE town_contact_person SET opted_out_at = now(), updated_at = now() WHERE id = $1 AND opted_out_at IS NULL RETURNING town_id AS "townId"`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** An accepted claim invitation: the town's entries with the account's address are taken over by it. */
  async claim(m: EntityManager, townId: string, email: string, userId: string): Promise<string[]> {
    const { rows } = await queryChanged<{ id: string }>(
      m,
      `UPDATE town_contact_person SET claimed_user_id = $3, updated_at = now()
       WHERE town_id = $1 AND lower(email) = lower($2) AND claimed_user_id IS NULL RETURNING id`,
      [townId, email, userId],
    );
    return rows.map((r) => r.id);
  }
}
