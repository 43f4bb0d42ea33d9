import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiCookieAuth, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import type { Request, Response } from 'express';
import { CurrentUser } from '../auth/current-user.decorator';
import { logOut } from '../auth/login.util';
import { PASSWORD_MAX } from '../auth/password.util';
import { PersonalDataService } from './personal-data.service';
import { Roles } from '../auth/roles.guard';
import type { SessionUser } from '../auth/session-user';

class DeleteAccountDto {
  @ApiProperty() @IsString() @MaxLength(PASSWORD_MAX) currentPassword: string;
}

@ApiTags('account')
@ApiCookieAuth()
@Roles()
@Controller('api/account')
export class PersonalDataController {
  constructor(private readonly personal: PersonalDataService) {}

  @Get('export')
  @ApiOperation({ summary: 'Everything stored about the signed-in contact and their town, as JSON (DSGVO Art. 15/20)' })
  async export(@CurrentUser() user: SessionUser, @Res() res: Response) {
    res.setHeader('Content-Disposition', 'attachment; filename="kleinstadt-tandem-daten.json"');
    res.json(await this.personal.export(user));
  }

  @Post('delete')
  @HttpCode(200)
  @ApiOperation({ summary: "Delete the signed-in contact's account (current password required); the town's history stays" })
  async delete(@Body() dto: DeleteAccountDto, @CurrentUser() user: SessionUser, @Req() req: Request) {
    await this.personal.deleteAccount(user, dto.currentPassword);
    await logOut(req).catch(() => undefined);
    return { deleted: true };
  }
}
