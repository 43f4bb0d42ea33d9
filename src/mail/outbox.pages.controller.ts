import { Controller, Get, NotFoundException, Param, ParseUUIDPipe, Render, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { OutboxRepository } from './outbox.repository';

// Only mounted in the embedded mode (see OutboxModule): the local stand-in for a mailbox.
@ApiExcludeController()
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
  async show(@Param('id', ParseUUIDPipe) id: string) {
    const message = await this.outbox.find(id);
    if (!message) throw new NotFoundException('Message not found');
    return { title: message.subject, message };
  }

  /** The HTML version on its own URL, shown in a sandboxed frame (no scripts, no access to this app). */
  @Get(':id/html')
  async html(@Param('id', ParseUUIDPipe) id: string, @Res() res: Response) {
    const message = await this.outbox.find(id);
    if (!message) throw new NotFoundException('Message not found');
    res.setHeader('Content-Security-Policy', "sandbox allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation; default-src 'none'; style-src 'unsafe-inline'; img-src data:");
    res.type('html').send(message.html);
  }
}
