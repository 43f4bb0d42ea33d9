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

@ApiExcludeController()
@Roles('office', 'admin')
@Controller('geschaeftsstelle/registrierungen')
export class VerificationPagesController {
  constructor(private readonly verification: VerificationService) {}

  @Get()
  async list(@Query('erledigt') done: string | undefined, @Res() res: Response, errors: string[] = [], status = 200) {
    const towns = await this.verification.listPending();
    const items = towns.map((t) => ({
      townId: t.id, ags: t.ags, contacts: t.contacts,
      directory: {
        name: t.municipality.name, stateName: t.municipality.stateName, districtName: t.municipality.districtName,
        associationName: t.municipality.associationName, population: t.municipality.population, postcode: t.municipality.postcode,
      },
    }));
    return res.status(status).render('office-registrations', { title: 'Offene Registrierungen', items, done: DONE[done ?? ''], errors });
  }

  @Post(':id/entscheidung')
  async decide(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: Record<string, string>,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const decision = body.decision === 'reject' ? 'reject' : body.decision === 'verify' ? 'verify' : null;
    if (!decision) return this.list(undefined, res, ['Bitte wählen Sie „Bestätigen“ oder „Ablehnen“.'], 400);
    try {
      await this.verification.decide(user, id, decision, body.reason);
      return res.redirect(303, `/geschaeftsstelle/registrierungen?erledigt=${decision}`);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      return this.list(undefined, res, [err.messageDe], err.getStatus());
    }
  }
}
