import type { INestApplicationContext } from '@nestjs/common';
import { Queue, QueueEvents } from 'bullmq';
import type { ParsedMail } from 'mailparser';
import type { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../src/config/app-config';
import { bullConnection } from '../../src/queue/queue.module';
import type { SmtpCatcher } from './smtp-catcher';
import { waitFor } from './wait-for';

const addresses = (m: ParsedMail) => [m.to].flat().flatMap((x) => x?.value.map((v) => v.address) ?? []);

/** Waits until every recorded mail delivery is sent and the SMTP catcher holds at least as many mails. */
export async function mailsSettled(ds: DataSource, smtp: SmtpCatcher): Promise<void> {
  await waitFor(
    async () => {
      const [r] = await ds.query(`SELECT count(*)::int AS n FROM mail_delivery WHERE status <> 'sent'`);
      const [s] = await ds.query(`SELECT count(*)::int AS n FROM mail_delivery`);
      return r.n === 0 && smtp.mails.length >= s.n;
    },
    { what: 'all mail deliveries sent' },
  );
}

/** The caught mails to one address, optionally only those whose subject matches. */
export const mailsTo = (smtp: SmtpCatcher, email: string, subject?: RegExp) =>
  smtp.mails.filter((m) => addresses(m).includes(email) && (!subject || subject.test(m.subject ?? '')));

/** A queue of the app and its events, from the outside (Redis, or BullMQ's PostgreSQL backend embedded). */
export async function queueOf(worker: INestApplicationContext, name: string) {
  const connection = bullConnection(worker.get<AppConfig>(APP_CONFIG));
  const q = new Queue(name, connection);
  const events = new QueueEvents(name, connection);
  await events.waitUntilReady();
  return { q, events };
}
