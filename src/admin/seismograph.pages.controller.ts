import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Roles } from '../auth/roles.guard';
import { SeismographViewModel } from './seismograph.view-model';

/** The Geschäftsstelle's Seismograph page and its CSV (issue 27). */
@ApiExcludeController()
@Roles('office', 'admin')
@Controller('geschaeftsstelle/seismograph')
export class SeismographPagesController {
  constructor(private readonly vm: SeismographViewModel) {}

  @Get()
  async page(@Query() query: Record<string, unknown>, @Res() res: Response) {
    return res.render('office-seismograph', { title: 'Seismograph', ...(await this.vm.page(this.vm.parse(query, 'page'))) });
  }

  @Get('export.csv')
  async csv(@Query() query: Record<string, unknown>, @Res() res: Response) {
    const q = this.vm.parse(query, 'page');
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="seismograph-${q.until}.csv"`);
    return res.send(await this.vm.csv(q));
  }
}
