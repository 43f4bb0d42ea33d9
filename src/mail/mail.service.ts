import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { JOBS, QUEUES } from '../queue/queue-names';
import { MailDeliveryRepository, NewDelivery } from './mail-delivery.repository';
import { MailRenderer } from './mail-renderer';
import { MailTransportRepository } from './mail-transport.repository';

@Injectable()
export class MailService {
  private readonly logger = new Logger(MailService.name);
  private readonly renderer: MailRenderer;

  constructor(
    private readonly deliveries: MailDeliveryRepository,
    private readonly transport: MailTransportRepository,
    @InjectQueue(QUEUES.mail) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.renderer = new MailRenderer(undefined, config.appUrl);
  }

  /** Records the promise inside the caller's transaction; call dispatch() with the id after commit. */
  record(d: NewDelivery, manager?: EntityManager): Promise<string> {
    return this.deliveries.insert(d, manager);
  }

  /** Hands deliveries to the queue. A failure here loses nothing: the sweeper re-dispatches queued rows. */
  async dispatch(ids: string[]): Promise<void> {
    if (!ids.length) return;
    try {
      // One round trip for many ids (a digest run dispatches thousands); the job ids keep it idempotent.
      await this.queue.addBulk(ids.map((id) => ({ name: JOBS.deliverMail, data: { deliveryId: id }, opts: { jobId: `mail-${id}` } })));
    } catch (err) {
      this.logger.warn(`Could not queue ${ids.length} mail deliveries (${(err as Error).message}); the sweeper will retry.`);
    }
  }

  /** The job body: render and send once. A second run of the same job finds the row sent and does nothing. */
  async deliver(deliveryId: string): Promise<'sent' | 'skipped'> {
    const d = await this.deliveries.claim(deliveryId, this.config.mailClaimTimeoutSeconds);
    if (!d) return 'skipped';
    try {
      const rendered = this.renderer.render(d.template, d.context);
      const messageId = await this.transport.send({
        ...rendered,
        to: d.recipient,
        // The same Message-ID on a repeated send (crash after the server accepted it) lets mail systems drop the copy.
        messageId: `<${d.id}@${this.config.appUrl.replace(/^https?:\/\//, '').replace(/[:/].*$/, '')}>`,
        replyTo: d.replyTo,
        attachments: d.attachments ?? [],
        headers: { ...(d.headers ?? {}), 'X-KT-Delivery-Id': d.id, 'Auto-Submitted': 'auto-generated' },
      });
      await this.deliveries.markSent(d.id, rendered.subject, messageId);
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
        await this.queue.add(JOBS.deliverMail, { deliveryId: id }, { jobId: `mail-${id}-r${Date.now()}` });
      }
      this.logger.log(`Re-dispatched ${ids.length} stranded mail deliveries`);
    }
    return ids.length;
  }
}
