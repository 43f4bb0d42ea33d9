import { Body, Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiCookieAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../auth/current-user.decorator';
import { Roles } from '../auth/roles.guard';
import type { SessionUser } from '../auth/session-user';
import { StartRunDto, StartWorkshopDto, WeightsDto } from './matching.dto';
import { MatchingService } from './matching.service';
import { MatchingViewModel } from './matching.view-model';
import { UuidParam } from '../common/uuid-param.decorator';
import { CachedRead } from '../security/page-cache.interceptor';

@ApiTags('matching')
@ApiCookieAuth()
@Controller('api')
export class MatchingController {
  constructor(
    private readonly matching: MatchingService,
    private readonly views: MatchingViewModel,
  ) {}

  @CachedRead()
  @Get('towns/:id/suggestions')
  @Roles()
  @ApiOperation({ summary: "A town's suggested partners with score, components and German reasons (own town or office)" })
  suggestions(@UuidParam('id') id: string, @CurrentUser() user: SessionUser) {
    return this.views.townSuggestions(user, id);
  }

  @Get('matching/weights')
  @Roles('office', 'admin')
  weights() {
    return this.matching.weights();
  }

  @Put('matching/weights')
  @Roles('office', 'admin')
  @ApiOperation({ summary: 'Change scoring weights (each 0..1; they are normalised to sum 1)' })
  setWeights(@Body() dto: WeightsDto, @CurrentUser() user: SessionUser) {
    // Only the fields sent: the DTO instance carries the others as undefined.
    return this.matching.setWeights(user, Object.fromEntries(Object.entries(dto).filter(([, v]) => v !== undefined)));
  }

  @Post('matching/runs')
  @HttpCode(202)
  @Roles('office', 'admin')
  @ApiOperation({ summary: 'Start a suggestions run or a tandem round (queued; 409 while one of the same kind runs)' })
  async start(@Body() dto: StartRunDto, @CurrentUser() user: SessionUser) {
    return { runId: await this.matching.startRun(dto.kind, { trigger: 'office', actorId: user.id }), status: 'running' };
  }

  @Post('matching/workshops')
  @HttpCode(202)
  @Roles('office', 'admin')
  @ApiOperation({ summary: 'Propose transfer-workshop groups for a theme (queued)' })
  async workshops(@Body() dto: StartWorkshopDto, @CurrentUser() user: SessionUser) {
    const params = { minSize: dto.minSize ?? 4, maxSize: dto.maxSize ?? 6 };
    if (params.maxSize < params.minSize) params.maxSize = params.minSize;
    const runId = await this.matching.startRun('workshops', {
      trigger: 'office',
      actorId: user.id,
      theme: dto.theme,
      seed: dto.seed,
      params,
    });
    return { runId, status: 'running' };
  }

  @Get('matching/runs')
  @Roles('office', 'admin')
  runs() {
    return this.matching.latestRuns();
  }

  @Get('matching/runs/:id')
  @Roles('office', 'admin')
  @ApiOperation({ summary: "A run's inputs (weights, seed, fingerprint) and results" })
  run(@UuidParam('id') id: string) {
    return this.views.run(id);
  }
}
