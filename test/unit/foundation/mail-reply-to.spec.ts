import { simpleParser } from 'mailparser';
import type { AppConfig } from '../../../src/config/app-config';
import type { MailDelivery } from '../../../src/mail/mail-delivery.entity';
import type { MailDeliveryRepository } from '../../../src/mail/mail-delivery.repository';
import { MailRenderer } from '../../../src/mail/mail-renderer';
import { MailService } from '../../../src/mail/mail.service';
import { MailTransportRepository } from '../../../src/mail/mail-transport.repository';
import { asksForReply, OFFICE_REPLY_TEMPLATES } from '../../../src/mail/reply-to.policy';
import { MAIL_CASES } from '../../factories/mail-contexts.factory';

// Mails come from a no-reply sender. Text and headers must agree: a mail that asks for an answer (or asks the reader to
// tell the Geschäftsstelle something) goes out with the office's mailbox as Reply-To; the rejection mail did not.
const OFFICE = 'Geschäftsstelle Kleinstadt-Tandem <geschaeftsstelle@tandem.example>';
const config = {
  appUrl: 'https://tandem.example',
  mailFrom: 'Kleinstadt-Tandem <no-reply@tandem.example>',
  mailReplyTo: OFFICE,
  mailTransport: { kind: 'outbox' },
  mailClaimTimeoutSeconds: 600,
} as unknown as AppConfig;

describe('Reply-To of mails that ask for an answer', () => {
  const renderer = new MailRenderer(undefined, config.appUrl);

  it('every template whose text asks for a reply is on the Reply-To list, and every listed one asks', () => {
    const asking = new Set(MAIL_CASES.filter((c) => asksForReply(renderer.render(c.template, c.context).text)).map((c) => c.template));
    expect([...asking].filter((t) => !OFFICE_REPLY_TEMPLATES.has(t))).toEqual([]);
    expect([...OFFICE_REPLY_TEMPLATES].filter((t) => !asking.has(t))).toEqual([]);
    expect(asking.has('town-rejected')).toBe(true);
  });

  /** Delivers one recorded row through MailService and the real nodemailer transport; returns the parsed message. */
  async function deliver(template: string, replyTo: string | null = null) {
    const context = MAIL_CASES.find((c) => c.template === template)!.context;
    const row = {
      id: '00000000-0000-4000-8000-000000000001',
      recipient: 'anna@seelow.example',
      template,
      context,
      replyTo,
      headers: {},
      attachments: [],
    };
    const deliveries = { claim: () => Promise.resolve(row as unknown as MailDelivery), markSent: () => Promise.resolve() };
    let raw: Buffer | null = null;
    const ds = { query: (_sql: string, params: unknown[]) => ((raw = params[7] as Buffer), Promise.resolve([])) };
    const transport = new MailTransportRepository(config, ds as never);
    const service = new MailService(deliveries as unknown as MailDeliveryRepository, transport, {} as never, {} as never, config);
    await expect(service.deliver(row.id)).resolves.toBe('sent');
    transport.onModuleDestroy();
    return simpleParser(raw!);
  }

  it('the rejection mail goes out from the no-reply sender with the office as Reply-To (parsed with mailparser)', async () => {
    const mail = await deliver('town-rejected');
    expect(mail.from?.value).toEqual([{ name: 'Kleinstadt-Tandem', address: 'no-reply@tandem.example' }]);
    expect(mail.replyTo?.value).toEqual([{ name: 'Geschäftsstelle Kleinstadt-Tandem', address: 'geschaeftsstelle@tandem.example' }]);
    expect(mail.text).toContain('antworten Sie einfach auf diese E-Mail; sie erreicht die Geschäftsstelle');
  });

  it('so do the security notices that ask the reader to inform the Geschäftsstelle', async () => {
    for (const t of ['password-changed', 'email-change-notice']) {
      const mail = await deliver(t);
      expect({ t, replyTo: mail.replyTo?.value[0]?.address }).toEqual({ t, replyTo: 'geschaeftsstelle@tandem.example' });
    }
  });

  it('a mail that asks for nothing has no Reply-To, and a caller-given Reply-To wins', async () => {
    expect((await deliver('confirm-email')).replyTo).toBeUndefined();
    expect((await deliver('town-rejected', 'Andere <andere@tandem.example>')).replyTo?.value[0]?.address).toBe('andere@tandem.example');
  });
});
