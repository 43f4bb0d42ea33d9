import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AccountRecipientRow, AddressBookRecipientRow, resolveRecipients, TownRecipient } from './town-recipients.util';
import { queryRows } from '../../database/typed-query.util';

/**
 * The one place that says who receives a town's mail (issue 25): its confirmed accounts, plus the office's address-book
 * entries not opted out, not claimed and not already among the accounts (town-recipients.util.ts). Tandem proposals and
 * workshop invitations read it; mails about an account's own steps keep to the accounts.
 */
@Injectable()
export class TownRecipientsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async forTowns(m: EntityManager, townIds: string[]): Promise<Map<string, TownRecipient[]>> {
    const out = new Map<string, TownRecipient[]>(townIds.map((id) => [id, []]));
    if (!townIds.length) return out;
    const accounts = await queryRows<AccountRecipientRow>(
      m,
      `SELECT id, town_id AS "townId", email, display_name AS "displayName", contact_function AS "contactFunction"
       FROM user_account WHERE town_id = ANY($1::uuid[]) AND email_confirmed_at IS NOT NULL AND deleted_at IS NULL
       ORDER BY created_at, id`,
      [townIds],
    );
    const book = await queryRows<AddressBookRecipientRow>(
      m,
      `SELECT id, town_id AS "townId", email, display_name AS "displayName", contact_function AS "contactFunction", source,
              opted_out_at AS "optedOutAt", claimed_user_id AS "claimedUserId"
       FROM town_contact_person WHERE town_id = ANY($1::uuid[]) ORDER BY created_at, id`,
      [townIds],
    );
    for (const r of resolveRecipients(accounts, book)) out.get(r.townId)?.push(r);
    return out;
  }

  async forTown(m: EntityManager, townId: string): Promise<TownRecipient[]> {
    return (await this.forTowns(m, [townId])).get(townId) ?? [];
  }

  /** For reads outside a transaction (the office page's "who would get a mail"). */
  forTownsNow(townIds: string[]): Promise<Map<string, TownRecipient[]>> {
    return this.forTowns(this.ds.manager, townIds);
  }
}
