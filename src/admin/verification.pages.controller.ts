import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser } from '../auth/current-user.decorator';
import { Roles } from '../auth/roles.guard';
import type { SessionUser } from '../auth/session-user';
import { DomainError } from '../common/domain-error';
import { VerificationService } from './verification.service';

const DONE: Record<string, string> = {
  verify: 'Die Registrierung wurde bestätigt. Die Kommune wurde per E-Mail informiert.',
  reject: 'Die Registrierung wurde abgelehnt. Die Kommune wurde per E-Mail informiert.',
};

// Registrations shown per page (a registration card with its form is large; the office works oldest first).
const PAGE_SIZE = 20;

@ApiExcludeController()
@Roles('office', 'admin')
@Controller('geschaeftsstelle/registrierungen')
export class VerificationPagesController {
  constructor(private readonly verification: VerificationService) {}

  @Get()
  async list(@Query('erledigt') done: string | undefined, @Query('seite') page: string | undefined, @Res() res: Response) {
    return res.render('office-registrations', await this.model({ done, page: Number(page) || 1 }));
  }

  @Post(':id/entscheidung')
  async decide(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: Record<string, string>,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const decision = body.decision === 'reject' ? 'reject' : body.decision === 'verify' ? 'verify' : null;
    if (!decision) return res.status(400).render('office-registrations', await this.model({ errors: ['Bitte wählen Sie „Bestätigen“ oder „Ablehnen“.'] }));
    try {
      await this.verification.decide(user, id, decision, body.reason);
      return res.redirect(303, `/geschaeftsstelle/registrierungen?erledigt=${decision}`);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      return res.status(err.getStatus()).render('office-registrations', await this.model({ errors: [err.messageDe] }));
    }
  }

  /** One page of the pending registrations, oldest first: the page costs what it shows, not what is waiting. */
  private async model(q: { done?: string; page?: number; errors?: string[] }) {
    let page = Math.max(1, Math.floor(q.page ?? 1));
    let { total, items } = await this.verification.pendingRegistrations(PAGE_SIZE, (page - 1) * PAGE_SIZE);
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    if (page > pages) {
      // Past the end (the last ones were just decided): show the last page.
      page = pages;
      ({ total, items } = await this.verification.pendingRegistrations(PAGE_SIZE, (page - 1) * PAGE_SIZE));
    }
    return {
      title: 'Offene Registrierungen', items, done: DONE[q.done ?? ''], errors: q.errors ?? [],
      paging: pages > 1 ? {
        page, pages, total, from: (page - 1) * PAGE_SIZE + 1, to: (page - 1) * PAGE_SIZE + items.length,
        prevHref: page > 1 ? `/geschaeftsstelle/registrierungen?seite=${page - 1}` : null,
        nextHref: page < pages ? `/geschaeftsstelle/registrierungen?seite=${page + 1}` : null,
      } : null,
    };
  }
}
