import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { EntityManager } from 'typeorm';
import { MicroBatcher } from '../common/micro-batcher.util';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MailDelivery } from './mail-delivery.entity';
import { announceJobAdded } from '../queue/embedded-wake';
import { JOBS, QUEUES } from '../queue/queue-names';
import { addJob, addJobs } from '../queue/typed-jobs.util';
import { MailDeliveryRepository, NewDelivery } from './mail-delivery.repository';
import { MailRenderer } from './mail-renderer';
import { MailTransportRepository } from './mail-transport.repository';
import { replyToFor } from './reply-to.policy';

@Injectable()
export class MailService {
  private readonly logger = new Logger(MailService.name);
  private readonly renderer: MailRenderer;

  constructor(
    private readonly deliveries: MailDeliveryRepository,
    private readonly transport: MailTransportRepository,
    @InjectQueue(QUEUES.mail) private readonly queue: Queue,
    @InjectQueue(QUEUES.mailBulk) private readonly bulkQueue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.renderer = new MailRenderer(undefined, config.appUrl);
  }

  // Bulk deliveries (the digest) run many side by side: their claims and "sent" marks go to PostgreSQL in batches.
  private readonly claims = new MicroBatcher<string, MailDelivery | null>(async (ids) => {
    const got = await this.deliveries.claimMany(ids, this.config.mailClaimTimeoutSeconds);
    return ids.map((id) => got.get(id) ?? null);
  });
  private readonly sentMarks = new MicroBatcher<{ id: string; subject: string; messageId: string }, void>(async (sent) => {
    await this.deliveries.markSentMany(sent);
    return sent.map(() => undefined);
  });

  /** The mails sent to an address (a person's data export). */
  sentTo(email: string) {
    return this.deliveries.sentTo(email);
  }

  /** Inside the caller's transaction: an erased person's address leaves the outbox (queued cancelled, sent forgotten). */
  forgetRecipient(m: EntityManager, email: string, placeholder: string): Promise<void> {
    return this.deliveries.forgetRecipient(m, email, placeholder);
  }

  /** Records the promise inside the caller's transaction; call dispatch() with the id after commit. */
  record(d: NewDelivery, manager?: EntityManager): Promise<string> {
    return this.deliveries.insert(d, manager);
  }

  /** record() for many deliveries in one statement, inside the caller's transaction; ids in input order. */
  recordMany(ds: NewDelivery[], manager?: EntityManager): Promise<string[]> {
    return this.deliveries.insertMany(ds, manager);
  }

  /**
   * Hands deliveries to the queue. A failure here loses nothing: the sweeper re-dispatches queued rows.
   * `bulk` (the digest: one mail per recipient and week) goes to its own queue, worked many at a time over pooled SMTP
   * connections; everything else stays on the mail queue, whose few workers and one connection per message keep
   * several mails to one recipient in the order they were promised.
   */
  async dispatch(ids: string[], opts: { bulk?: boolean } = {}): Promise<void> {
    if (!ids.length) return;
    try {
      // One round trip for many ids (a digest run dispatches thousands); the job ids keep it idempotent.
      await addJobs(
        opts.bulk ? this.bulkQueue : this.queue,
        JOBS.deliverMail,
        ids.map((id) => ({ data: { deliveryId: id }, opts: { jobId: `mail-${id}` } })),
      );
      // Embedded: the worker hears of it at once instead of at its next poll (a page's confirmation mail, an answer's).
      announceJobAdded(opts.bulk ? QUEUES.mailBulk : QUEUES.mail);
    } catch (err) {
      this.logger.warn(`Could not queue ${ids.length} mail deliveries (${(err as Error).message}); the sweeper will retry.`);
    }
  }

  /** The job body: render and send once. A second run of the same job finds the row sent and does nothing. */
  async deliver(deliveryId: string, opts: { bulk?: boolean } = {}): Promise<'sent' | 'skipped'> {
    const d = opts.bulk ? await this.claims.call(deliveryId) : await this.deliveries.claim(deliveryId, this.config.mailClaimTimeoutSeconds);
    if (!d) return 'skipped';
    try {
      const rendered = this.renderer.render(d.template, d.context);
      const messageId = await this.transport.send(
        {
          ...rendered,
          to: d.recipient,
          // The same Message-ID on a repeated send (crash after the server accepted it) lets mail systems drop the copy.
          messageId: `<${d.id}@${this.config.appUrl.replace(/^https?:\/\//, '').replace(/[:/].*$/, '')}>`,
          // A mail that asks for an answer carries the office's mailbox as Reply-To (reply-to.policy.ts).
          replyTo: replyToFor(d.template, d.replyTo, this.config.mailReplyTo),
          attachments: d.attachments ?? [],
          headers: { ...(d.headers ?? {}), 'X-KT-Delivery-Id': d.id, 'Auto-Submitted': 'auto-generated' },
        },
        { pooled: !!opts.bulk },
      );
      if (opts.bulk) await this.sentMarks.call({ id: d.id, subject: rendered.subject, messageId });
      else await this.deliveries.markSent(d.id, rendered.subject, messageId);
      return 'sent';
    } catch (err) {
      await this.deliveries.markFailed(d.id, (err as Error).message);
      throw err;
    }
  }

  async redispatchStranded(): Promise<number> {
    const ids = await this.deliveries.findStranded(60, 500, this.config.mailClaimTimeoutSeconds);
    if (ids.length) {
      // A fresh job id: the original job may still exist as failed/completed in the queue.
      for (const id of ids) {
        await addJob(this.queue, JOBS.deliverMail, { deliveryId: id }, { jobId: `mail-${id}-r${Date.now()}` });
      }
      this.logger.log(`Re-dispatched ${ids.length} stranded mail deliveries`);
    }
    return ids.length;
  }
}
