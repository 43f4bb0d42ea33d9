import { Controller, Get, Query } from '@nestjs/common';
import { ApiCookieAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/roles.guard';
import { SeismographViewModel } from './seismograph.view-model';

@ApiTags('geschaeftsstelle')
@ApiCookieAuth()
@Roles('office', 'admin')
@Controller('api/admin/seismograph')
export class SeismographController {
  constructor(private readonly vm: SeismographViewModel) {}

  @Get()
  @ApiOperation({
    summary:
      'The Seismograph (issue 27): per topic the towns newly naming it as a challenge or topic and the newly published examples, per quarter (8 quarters ending with `until`), totals, trends (last quarter against the one before) and whether examples are needed',
  })
  @ApiQuery({ name: 'land', required: false, description: 'two-digit Land code, e.g. 12' })
  @ApiQuery({ name: 'size', required: false, description: 'size class: unter-5000, kleine-kleinstadt, groessere-kleinstadt, ab-20000' })
  @ApiQuery({ name: 'until', required: false, description: 'last quarter shown, e.g. 2025-Q3 (default: the current one)' })
  @ApiQuery({ name: 'sort', required: false, description: 'bedarf (default), anstieg, herausforderungen, thema' })
  seismograph(@Query() query: Record<string, unknown>) {
    return this.vm.api(this.vm.parse(query, 'api'));
  }
}
