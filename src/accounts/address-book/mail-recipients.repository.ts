import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { addToReport, emptyMailReport, type MailReport, type TownRecipient } from './town-recipients.util';
import { queryRows } from '../../database/typed-query.util';

/**
 * Who a proposal or a workshop invitation was promised to, read back from its mail_delivery rows (issue 25): each such
 * row carries the recipient's town, kind and role in its context (recipientTownId, recipientKind, recipientFunction).
 * The office's tandem and workshop pages name them after the step, and on every later visit.
 */
@Injectable()
export class MailRecipientsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** The report for the deliveries whose dedupe key starts with `prefix`; null for mails older than this record. */
  async report(prefix: string, towns: { id: string; name: string }[]): Promise<MailReport | null> {
    const rows = await queryRows<{ townId: string | null; name: string; contactFunction: string | null; kind: string | null }>(
      this.ds,
      `SELECT context->>'recipientTownId' AS "townId", context->>'displayName' AS name, context->>'recipientFunction' AS "contactFunction",
              context->>'recipientKind' AS kind
       FROM mail_delivery WHERE dedupe_key LIKE $1 ORDER BY created_at, id`,
      [`${prefix.replace(/[%_\\]/g, '\\$&')}%`],
    );
    if (rows.some((r) => !r.kind)) return null;
    const report = emptyMailReport();
    for (const town of towns) {
      const got = rows
        .filter((r) => r.townId === town.id)
        .map((r) => ({ displayName: r.name, contactFunction: r.contactFunction, kind: r.kind }) as TownRecipient);
      addToReport(report, town, got);
    }
    return report;
  }
}
