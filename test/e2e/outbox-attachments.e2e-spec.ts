import { simpleParser } from 'mailparser';
import request from 'supertest';
import type { TestApp } from '../utils/boot-app';

// The outbox pages are mounted when the app module is loaded (OutboxModule.whenEnabled): say so before loading it.
process.env.KT_MODE = 'embedded';
process.env.SMTP_URL = 'outbox';
/* eslint-disable @typescript-eslint/no-require-imports */
const { bootApp } = require('../utils/boot-app') as typeof import('../utils/boot-app');
const { MailTransportRepository } =
  require('../../src/mail/mail-transport.repository') as typeof import('../../src/mail/mail-transport.repository');
/* eslint-enable @typescript-eslint/no-require-imports */

const ICS = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'METHOD:REQUEST',
  'BEGIN:VEVENT',
  'UID:w1@kt',
  'SUMMARY:Werkstatt',
  'END:VEVENT',
  'END:VCALENDAR',
  '',
].join('\r\n');

describe('the embedded outbox keeps what a mailbox receives: attachments and the whole message (issue 22)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootApp('outbox_attachments', { SMTP_URL: 'outbox' }, { mode: 'embedded' });
  });
  afterAll(() => t?.close());

  it('a workshop invitation in the outbox offers its calendar file and the .eml with the calendar part', async () => {
    await t.app.get(MailTransportRepository).send({
      to: 'bgm@olbernhau.test',
      subject: 'Einladung zur Transferwerkstatt',
      text: 'Im Anhang finden Sie den Termin für Ihren Kalender.',
      html: '<p>Im Anhang finden Sie den Termin für Ihren Kalender.</p>',
      headers: {},
      attachments: [{ filename: 'werkstatt.ics', contentType: 'text/calendar; charset=utf-8', content: ICS, method: 'REQUEST' }],
    });
    const list = await request(t.url).get('/outbox').expect(200);
    const id = /href="\/outbox\/([0-9a-f-]{36})"/.exec(list.text)![1];
    const page = await request(t.url).get(`/outbox/${id}`).expect(200);
    expect(page.text).toContain('Anhänge');
    expect(page.text).toContain(`href="/outbox/${id}/anhang/0"`);
    expect(page.text).toContain('werkstatt.ics');
    expect(page.text).toContain('(Kalendereintrag)');

    const file = await request(t.url)
      .get(`/outbox/${id}/anhang/0`)
      .buffer(true)
      .parse((res, cb) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString('utf8')));
        res.on('end', () => cb(null, body));
      });
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toMatch(/^text\/calendar/);
    expect(file.headers['content-disposition']).toBe('attachment; filename="werkstatt.ics"');
    expect(file.body).toBe(ICS);

    const eml = await request(t.url)
      .get(`/outbox/${id}/nachricht.eml`)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(eml.headers['content-type']).toMatch(/^message\/rfc822/);
    const parsed = await simpleParser(eml.body as Buffer);
    expect(parsed.subject).toBe('Einladung zur Transferwerkstatt');
    const cal = parsed.attachments.find((a) => a.contentType.startsWith('text/calendar'));
    expect(cal?.content.toString('utf8')).toContain('METHOD:REQUEST');

    await request(t.url).get(`/outbox/${id}/anhang/1`).expect(404);
    await request(t.url).get(`/outbox/${id}/anhang/x`).expect(400);
  });
});
