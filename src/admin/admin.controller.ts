import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiCookieAuth, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { AuditRepository } from '../audit/audit.repository';
import { CurrentUser } from '../auth/current-user.decorator';
import { Roles } from '../auth/roles.guard';
import type { SessionUser } from '../auth/session-user';
import { REGISTRATIONS_API_PAGE_SIZE, RegistrationsViewModel, type RegistrationsApiPage } from './registrations.view-model';
import { VerificationService } from './verification.service';
import { PageQueryDto } from '../common/page-query.dto';
import { UuidParam } from '../common/uuid-param.decorator';
import { CachedRead } from '../security/page-cache.interceptor';

class DecisionDto {
  @ApiProperty({ required: false, maxLength: 1000 }) @IsOptional() @IsString() @MaxLength(1000) reason?: string;
}

class RegistrationsQueryDto extends PageQueryDto {}

@ApiTags('geschaeftsstelle')
@ApiCookieAuth()
@Roles('office', 'admin')
@Controller('api/admin')
export class AdminController {
  constructor(
    private readonly verification: VerificationService,
    private readonly registrations: RegistrationsViewModel,
    private readonly audit: AuditRepository,
  ) {}

  @CachedRead()
  @Get('registrations')
  @ApiOperation({
    summary:
      'One page of pending registrations (oldest first) with the directory facts, the contacts and competing applications for the same town: { items, page, pages, limit, total, offset, from, to }',
  })
  pending(@Query() q: RegistrationsQueryDto): Promise<RegistrationsApiPage> {
    return this.registrations.items(q.page ?? 1, q.limit ?? REGISTRATIONS_API_PAGE_SIZE);
  }

  @Post('towns/:id/verify')
  @ApiOperation({ summary: 'Verify an application; competing applications for the same town are rejected (with a mail)' })
  @HttpCode(200)
  async verify(@UuidParam('id') id: string, @Body() dto: DecisionDto, @CurrentUser() user: SessionUser) {
    await this.verification.decide(user, id, 'verify', dto.reason);
    return { townId: id, status: 'verified' };
  }

  @Post('towns/:id/reject')
  @HttpCode(200)
  async reject(@UuidParam('id') id: string, @Body() dto: DecisionDto, @CurrentUser() user: SessionUser) {
    await this.verification.decide(user, id, 'reject', dto.reason);
    return { townId: id, status: 'rejected' };
  }

  @Get('audit/towns/:id')
  @ApiOperation({ summary: 'Audit trail of one town' })
  trail(@UuidParam('id') id: string) {
    return this.audit.forSubject('town', id);
  }
}
