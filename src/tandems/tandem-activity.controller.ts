import { Body, Controller, Post, Res } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ApiCookieAuth, ApiExcludeEndpoint, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser } from '../auth/current-user.decorator';
import { Roles } from '../auth/roles.guard';
import type { SessionUser } from '../auth/session-user';
import { asText } from '../common/form.util';
import { DomainError } from '../common/domain-error';
import { TandemActivityService } from './tandem-activity.service';
import { TandemsPagesController } from './tandems.pages.controller';
import { TandemsViewModel } from './tandems.view-model';
import { UuidParam } from '../common/uuid-param.decorator';

// The meeting log (issue 23): either town adds an entry; the office reads it on the tandem page and in the API detail.
@ApiTags('tandems')
@ApiCookieAuth()
@Controller()
export class TandemActivityController {
  constructor(
    private readonly activity: TandemActivityService,
    private readonly vm: TandemsViewModel,
    private readonly moduleRef: ModuleRef,
  ) {}

  @Post('api/tandems/:id/meetings')
  @Roles('town_contact')
  @ApiOperation({
    summary:
      'Log a meeting of an approved or active tandem: { date: "YYYY-MM-DD" (at most 31 days ahead), format: "vor_ort" | "online" | "telefon", notes?: one line, ≤ 300 characters }; answers the tandem detail with its meetings',
  })
  async add(@UuidParam('id') id: string, @Body() body: Record<string, unknown>, @CurrentUser() user: SessionUser) {
    await this.activity.addMeeting(user, id, { date: body?.date, format: body?.format, notes: body?.notes });
    return this.vm.detail(user, id);
  }

  /** The page form; a refused entry shows the tandem page again with the German reason and what was typed. */
  @Post('tandems/:id/treffen')
  @Roles('town_contact')
  @ApiExcludeEndpoint()
  async addFromPage(
    @UuidParam('id') id: string,
    @Body() body: Record<string, unknown>,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    try {
      await this.activity.addMeeting(user, id, {
        date: asText(body.meetingDate),
        format: asText(body.meetingFormat),
        notes: asText(body.meetingNotes),
      });
      return res.redirect(303, `/tandems/${id}?erledigt=treffen#treffen-h`);
    } catch (err) {
      if (!(err instanceof DomainError) || err.getStatus() === 404) throw err;
      // The tandem page exactly as its own controller renders it (one place decides what it shows).
      const page = this.moduleRef.get(TandemsPagesController, { strict: false });
      return page.detail(id, undefined, user, res, [`Treffen eintragen: ${err.messageDe}`], err.getStatus(), body);
    }
  }
}
