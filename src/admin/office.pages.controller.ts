import { Body, Controller, Get, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser } from '../auth/current-user.decorator';
import { Roles } from '../auth/roles.guard';
import type { SessionUser } from '../auth/session-user';
import { DomainError, townNotFound } from '../common/domain-error';
import { AddressBookViewModel } from '../accounts/address-book/address-book.view-model';
import { OfficeOverviewViewModel } from './office-overview.view-model';
import { UuidParam } from '../common/uuid-param.decorator';

const sendCsv = (res: Response, name: string, csv: string) => {
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${name}-${new Date().toISOString().slice(0, 10)}.csv"`);
  res.send(csv);
};

/** The Geschäftsstelle's workspace: start page, towns, audit trail, exports. Office and admin only. */
@ApiExcludeController()
@Roles('office', 'admin')
@Controller('geschaeftsstelle')
export class OfficePagesController {
  constructor(
    private readonly vm: OfficeOverviewViewModel,
    private readonly addressBook: AddressBookViewModel,
  ) {}

  @Get()
  async home(@Res() res: Response) {
    return res.render('office-home', { title: 'Geschäftsstelle', ...(await this.vm.overview()) });
  }

  @Get('kommunen')
  async towns(@Query() query: Record<string, unknown>, @Res() res: Response) {
    return res.render('office-towns', { title: 'Kommunen', ...(await this.vm.townList(await this.vm.parseTownFilter(query))) });
  }

  @Get('kommunen/export.csv')
  async townsCsv(@Query() query: Record<string, unknown>, @Res() res: Response) {
    return sendCsv(res, 'kommunen', await this.vm.townsCsv(await this.vm.parseTownFilter(query)));
  }

  @Get('kommunen/:id')
  async town(
    @UuidParam('id') id: string,
    @Query('notiz') saved: string | undefined,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
    errors: string[] = [],
    status = 200,
    draft = '',
    @Query('adressbuch') addressBookDone?: string,
  ) {
    const town = await this.vm.town(id, user);
    if (!town) throw townNotFound();
    const addressBook = await this.addressBook.section(id, { done: addressBookDone });
    return res.status(status).render('office-town', { title: town.name, town, errors, draft, saved: saved === 'gespeichert', addressBook });
  }

  @Post('kommunen/:id/notizen')
  async addNote(
    @UuidParam('id') id: string,
    @Body() body: Record<string, unknown>,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    try {
      await this.vm.addNote(id, user.id, body.text);
      return res.redirect(303, `/geschaeftsstelle/kommunen/${id}?notiz=gespeichert#notizen-h`);
    } catch (err) {
      if (!(err instanceof DomainError) || err.getStatus() !== 400) throw err;
      return this.town(id, undefined, user, res, [err.messageDe], 400, typeof body.text === 'string' ? body.text : '');
    }
  }

  @Get('werkstaetten/export.csv')
  async workshopsCsv(@Res() res: Response) {
    return sendCsv(res, 'werkstaetten', await this.vm.workshopsCsv());
  }

  @Get('tandems/export.csv')
  async tandemsCsv(@Res() res: Response) {
    return sendCsv(res, 'tandems', await this.vm.tandemsCsv());
  }

  @Get('berichtszahlen')
  async report(@Query('jahr') year: unknown, @Res() res: Response) {
    const model = await this.vm.reportFigures(this.vm.parseReportYear(year));
    return res.render('office-report', { title: `Berichtszahlen ${model.year}`, ...model });
  }

  @Get('berichtszahlen/export.csv')
  async reportCsv(@Query('jahr') year: unknown, @Res() res: Response) {
    const y = this.vm.parseReportYear(year);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="berichtszahlen-${y}.csv"`);
    return res.send(await this.vm.reportCsv(y));
  }

  @Get('protokoll')
  async audit(@Query() query: Record<string, unknown>, @Res() res: Response) {
    return res.render('office-audit', { title: 'Protokoll', ...(await this.vm.auditTrail(this.vm.parseAuditFilter(query))) });
  }
}
