import { Body, Controller, Get, Put, Query } from '@nestjs/common';
import { ApiCookieAuth, ApiOperation, ApiProperty, ApiQuery, ApiTags } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Length } from 'class-validator';
import { CurrentUser } from '../auth/current-user.decorator';
import { Roles } from '../auth/roles.guard';
import type { SessionUser } from '../auth/session-user';
import { MunicipalityRepository } from './municipality.repository';
import { TopicRepository } from './topic.repository';
import { TownProfileDto } from './town-profile.dto';
import { TownsService } from './towns.service';
import { UuidParam } from '../common/uuid-param.decorator';
import { CachedRead } from '../security/page-cache.interceptor';

class PauseDto {
  @ApiProperty({ description: 'true pauses suggestions and requests for the town, false resumes them' })
  @IsBoolean({ message: 'paused must be true or false' })
  paused: boolean;
}

class SearchQuery {
  @IsString() @Length(2, 80, { message: 'q must be 2 to 80 characters (a name or a postcode)' }) q: string;
  @IsOptional() @IsString() limit?: string;
}

@ApiTags('directory')
@Controller('api')
export class MunicipalitiesController {
  constructor(
    private readonly municipalities: MunicipalityRepository,
    private readonly topics: TopicRepository,
    private readonly towns: TownsService,
  ) {}

  @Get('municipalities')
  @ApiOperation({ summary: 'Search the official directory by name or postcode (for registration)' })
  @ApiQuery({ name: 'q', example: 'Olbernhau' })
  async search(@Query() query: SearchQuery) {
    const limit = Math.min(Math.max(Number(query.limit) || 10, 1), 50);
    const hits = await this.municipalities.search(query.q, limit);
    return hits.map((m) => ({
      ags: m.ags,
      name: m.name,
      stateName: m.stateName,
      districtName: m.districtName,
      postcode: m.postcode,
      population: m.population,
      areaKm2: m.areaKm2,
      latitude: m.latitude,
      longitude: m.longitude,
      associationName: m.associationName,
      registered: m.registered,
    }));
  }

  @Get('topics')
  @ApiOperation({ summary: 'The topic taxonomy (Handlungsfelder)' })
  async listTopics() {
    return (await this.topics.listActive()).map((t) => ({ slug: t.slug, name: t.name }));
  }

  @CachedRead()
  @Get('towns/:id')
  @ApiOperation({ summary: 'A registered town as the caller may see it (field visibility applies)' })
  view(@UuidParam('id') id: string, @CurrentUser() user?: SessionUser) {
    return this.towns.view(user, id);
  }

  @Put('towns/:id/profile')
  @Roles('town_contact')
  @ApiCookieAuth()
  @ApiOperation({ summary: "Replace the town's profile (contacts of that town only)" })
  update(@UuidParam('id') id: string, @Body() dto: TownProfileDto, @CurrentUser() user: SessionUser) {
    return this.towns.updateProfile(user, id, dto);
  }

  @Put('towns/:id/pause')
  @Roles('town_contact')
  @ApiCookieAuth()
  @ApiOperation({ summary: 'Pause or resume suggestions and requests for the town (contacts of that town only)' })
  pause(@UuidParam('id') id: string, @Body() dto: PauseDto, @CurrentUser() user: SessionUser) {
    return this.towns.setPaused(user, id, dto.paused);
  }
}
