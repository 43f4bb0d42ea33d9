import { Body, Controller, Get, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser } from '../auth/current-user.decorator';
import { Roles } from '../auth/roles.guard';
import type { SessionUser } from '../auth/session-user';
import { DomainError } from '../common/domain-error';
import { RegistrationsViewModel } from './registrations.view-model';
import { VerificationService } from './verification.service';
import { UuidParam } from '../common/uuid-param.decorator';
import { CachedPage } from '../security/page-cache.interceptor';

@ApiExcludeController()
@Roles('office', 'admin')
@Controller('geschaeftsstelle/registrierungen')
export class VerificationPagesController {
  constructor(
    private readonly verification: VerificationService,
    private readonly registrations: RegistrationsViewModel,
  ) {}

  @CachedPage()
  @Get()
  async list(@Query('erledigt') done: string | undefined, @Query('seite') page: string | undefined, @Res() res: Response) {
    return res.render('office-registrations', await this.registrations.page(done, [], page));
  }

  @Post(':id/entscheidung')
  async decide(@UuidParam('id') id: string, @Body() body: Record<string, unknown>, @CurrentUser() user: SessionUser, @Res() res: Response) {
    const decision = body.decision === 'reject' ? 'reject' : body.decision === 'verify' ? 'verify' : null;
    if (!decision) {
      return res
        .status(400)
        .render('office-registrations', await this.registrations.page(undefined, ['Bitte wählen Sie „Bestätigen“ oder „Ablehnen“.']));
    }
    try {
      await this.verification.decide(user, id, decision, typeof body.reason === 'string' ? body.reason : undefined);
      return res.redirect(303, `/geschaeftsstelle/registrierungen?erledigt=${decision}`);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      return res.status(err.getStatus()).render('office-registrations', await this.registrations.page(undefined, [err.messageDe]));
    }
  }
}
