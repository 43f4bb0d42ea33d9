import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiCookieAuth, ApiOperation, ApiPropertyOptional, ApiQuery, ApiTags } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { CurrentUser } from '../auth/current-user.decorator';
import { Roles } from '../auth/roles.guard';
import type { SessionUser } from '../auth/session-user';
import { townNotFound } from '../common/domain-error';
import { PAIRING_REASON_MAX, PAIRING_REASON_MIN } from './tandem-pairing.util';
import { TandemPairingViewModel } from './tandem-pairing.view-model';
import { TandemsViewModel } from './tandems.view-model';

// Types are checked by the pairing's own rules (one message for the API and the page), so odd input answers 400 saying why.
export class PairingDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'A verified town' }) @IsOptional() townA?: unknown;
  @ApiPropertyOptional({ format: 'uuid', description: 'Another verified town' }) @IsOptional() townB?: unknown;
  @ApiPropertyOptional({ example: 'leerstand', description: 'A topic one of the towns shows to the network (GET …/preview lists them)' })
  @IsOptional()
  topic?: unknown;
  @ApiPropertyOptional({
    minLength: PAIRING_REASON_MIN,
    maxLength: PAIRING_REASON_MAX,
    description: "The office's reason, shown to both towns in the proposal mail and on the tandem page",
  })
  @IsOptional()
  reason?: unknown;
}

/** The office pairs two verified towns outside a tandem round (issue 25). */
@ApiTags('geschaeftsstelle')
@ApiCookieAuth()
@Roles('office', 'admin')
@Controller('api/admin/tandems/pairings')
export class TandemPairingController {
  constructor(
    private readonly pairing: TandemPairingViewModel,
    private readonly tandems: TandemsViewModel,
  ) {}

  @Get('towns')
  @ApiQuery({ name: 'q', required: false, description: 'Part of the name, district or AGS (at least 2 characters)' })
  @ApiOperation({ summary: 'Verified towns for the pairing form, by name (at most 15)' })
  async towns(@Query('q') q: unknown) {
    return { towns: await this.pairing.search(q) };
  }

  @Get('preview')
  @ApiQuery({ name: 'townA', required: true })
  @ApiQuery({ name: 'townB', required: true })
  @ApiOperation({
    summary:
      "Two towns side by side: the topics both may show to the network, the matcher's reasons (what both towns would read) and the rule the pair breaks now, if any",
  })
  async preview(@Query('townA') a: unknown, @Query('townB') b: unknown) {
    const p = await this.pairing.preview(a, b);
    if (!p) throw townNotFound();
    return p;
  }

  @Post()
  @ApiOperation({
    summary:
      "Propose two verified towns as a tandem outside a round, with a topic and the office's reason (400: input; 409: a rule of the round's proposals, e.g. pair_has_tandem, at_capacity, pair_declined)",
  })
  async pair(@Body() dto: PairingDto, @CurrentUser() user: SessionUser) {
    const id = await this.pairing.pair(user, dto);
    return { ...(await this.tandems.detail(user, id)), recipients: await this.pairing.recipients(id) };
  }
}
