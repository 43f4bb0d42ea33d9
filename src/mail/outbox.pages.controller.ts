import { Controller, Get, NotFoundException, Param, ParseIntPipe, Render, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { OutboxAccessGuard } from './outbox-access.guard';
import { OutboxRepository } from './outbox.repository';
import { UuidParam } from '../common/uuid-param.decorator';

/** The text version in pieces, so its links render as real links (the template escapes every piece). */
function linkify(text: string): { text: string; url?: string }[] {
  const parts: { text: string; url?: string }[] = [];
  let last = 0;
  for (const m of text.matchAll(/https?:\/\/[^\s<>"]+[^\s<>".,;:!?)]/g)) {
    if (m.index > last) parts.push({ text: text.slice(last, m.index) });
    parts.push({ text: m[0], url: m[0] });
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}

/** Links in the framed HTML version open in the whole window (the sandbox allows that on a click), not inside the frame. */
function withTopTarget(html: string): string {
  const base = '<base target="_top">';
  return /<head[^>]*>/i.test(html) ? html.replace(/<head[^>]*>/i, (head) => head + base) : base + html;
}

// Only mounted in the embedded mode (see OutboxModule): the local stand-in for a mailbox; who may open it: the guard.
@ApiExcludeController()
@UseGuards(OutboxAccessGuard)
@Controller('outbox')
export class OutboxPagesController {
  constructor(private readonly outbox: OutboxRepository) {}

  @Get()
  @Render('outbox')
  async list() {
    return { title: 'Postausgang', messages: await this.outbox.list() };
  }

  @Get(':id')
  @Render('outbox-message')
  async show(@UuidParam('id') id: string) {
    const message = await this.outbox.find(id);
    if (!message) throw new NotFoundException('Message not found');
    const attachments = message.attachments.map((a, n) => ({ ...a, n, calendar: a.contentType.startsWith('text/calendar') }));
    return { title: message.subject, message, attachments, textParts: linkify(message.text) };
  }

  /** An attachment to save or open (a workshop's calendar file), as a mailbox would offer it. */
  @Get(':id/anhang/:n')
  async attachment(@UuidParam('id') id: string, @Param('n', ParseIntPipe) n: number, @Res() res: Response) {
    const a = n >= 0 && n < 100 ? await this.outbox.attachment(id, n) : null;
    if (!a) throw new NotFoundException('Attachment not found');
    res.attachment(a.filename).type(a.contentType).send(a.content);
  }

  /** The whole message as sent (.eml), to open in a mail program. */
  @Get(':id/nachricht.eml')
  async eml(@UuidParam('id') id: string, @Res() res: Response) {
    const raw = await this.outbox.raw(id);
    if (!raw) throw new NotFoundException('Message not found');
    res.attachment('nachricht.eml').type('message/rfc822').send(raw);
  }

  /** The HTML version on its own URL, shown in a sandboxed frame (no scripts, no access to this app). */
  @Get(':id/html')
  async html(@UuidParam('id') id: string, @Res() res: Response) {
    const message = await this.outbox.find(id);
    if (!message) throw new NotFoundException('Message not found');
    res.setHeader(
      'Content-Security-Policy',
      "sandbox allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation; default-src 'none'; style-src 'unsafe-inline'; img-src data:",
    );
    res.type('html').send(withTopTarget(message.html));
  }
}
