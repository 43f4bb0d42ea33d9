import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiCookieAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { Response } from 'express';
import { AuditRepository } from '../audit/audit.repository';
import { CurrentUser } from '../auth/current-user.decorator';
import { Roles } from '../auth/roles.guard';
import type { SessionUser } from '../auth/session-user';
import { VerificationService } from './verification.service';

class DecisionDto {
  @ApiProperty({ required: false, maxLength: 1000 }) @IsOptional() @IsString() @MaxLength(1000) reason?: string;
}

// The oldest pending registrations first, a page at a time: an answer never grows with the backlog.
class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) limit?: number;
  @ApiPropertyOptional({ minimum: 0, default: 0 }) @IsOptional() @Type(() => Number) @IsInt() @Min(0) offset?: number;
}

@ApiTags('geschaeftsstelle')
@ApiCookieAuth()
@Roles('office', 'admin')
@Controller('api/admin')
export class AdminController {
  constructor(private readonly verification: VerificationService, private readonly audit: AuditRepository) {}

  @Get('registrations')
  @ApiOperation({ summary: 'Pending registrations with the directory facts and the contacts, oldest first (X-Total-Count: all pending)' })
  async pending(@Query() page: PageQuery, @Res({ passthrough: true }) res: Response) {
    const { total, items } = await this.verification.pendingRegistrations(page.limit ?? 50, page.offset ?? 0);
    res.setHeader('X-Total-Count', String(total));
    return items;
  }

  @Post('towns/:id/verify')
  @HttpCode(200)
  async verify(@Param('id', ParseUUIDPipe) id: string, @Body() dto: DecisionDto, @CurrentUser() user: SessionUser) {
    await this.verification.decide(user, id, 'verify', dto.reason);
    return { townId: id, status: 'verified' };
  }

  @Post('towns/:id/reject')
  @HttpCode(200)
  async reject(@Param('id', ParseUUIDPipe) id: string, @Body() dto: DecisionDto, @CurrentUser() user: SessionUser) {
    await this.verification.decide(user, id, 'reject', dto.reason);
    return { townId: id, status: 'rejected' };
  }

  @Get('audit/towns/:id')
  @ApiOperation({ summary: 'Audit trail of one town' })
  trail(@Param('id', ParseUUIDPipe) id: string) {
    return this.audit.forSubject('town', id);
  }
}
