import { Body, Controller, Delete, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiCookieAuth, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Equals, IsEmail, IsIn, IsString, IsUUID, Length, MaxLength } from 'class-validator';
import { CurrentUser } from '../auth/current-user.decorator';
import { PASSWORD_MAX } from '../auth/password.util';
import { Roles } from '../auth/roles.guard';
import type { SessionUser } from '../auth/session-user';
import { TownContactsService } from './town-contacts.service';
import { UuidParam } from '../common/uuid-param.decorator';

class InviteDto {
  @ApiProperty() @IsEmail({}, { message: 'email must be a valid email address' }) @MaxLength(254) email: string;
  @ApiProperty() @IsString() @Length(2, 80, { message: 'displayName must be 2 to 80 characters long' }) displayName: string;
  @ApiProperty({ enum: ['mayor', 'deputy', 'staff'] })
  @IsIn(['mayor', 'deputy', 'staff'], { message: 'contactFunction must be one of mayor, deputy, staff' })
  contactFunction: 'mayor' | 'deputy' | 'staff';
}

class AcceptDto {
  @ApiProperty() @IsString() @Length(20, 100, { message: 'token is malformed' }) token: string;
  @ApiProperty({ minLength: 10 }) @IsString() @MaxLength(PASSWORD_MAX) password: string;
  @ApiProperty({ description: 'must be true: the invited contact has read the privacy notice (/datenschutz), as at registration' })
  @Equals(true, { message: 'privacyAccepted must be true (consent to the privacy notice at /datenschutz)' })
  privacyAccepted: boolean;
}

class MainContactDto {
  @ApiProperty() @IsUUID('all', { message: 'userId must be a UUID' }) userId: string;
}

@ApiTags('contacts')
@Controller('api')
export class TownContactsController {
  constructor(private readonly contacts: TownContactsService) {}

  @Get('towns/:id/contacts')
  @Roles()
  @ApiCookieAuth()
  @ApiOperation({ summary: "The town's contacts (its own contacts and the office only)" })
  list(@UuidParam('id') id: string, @CurrentUser() user: SessionUser) {
    return this.contacts.list(user, id);
  }

  @Post('towns/:id/contacts')
  @HttpCode(202)
  @Roles('town_contact')
  @ApiCookieAuth()
  @ApiOperation({ summary: 'Invite a colleague (deputy, staff) by email; the link sets their password (verified towns)' })
  async invite(@UuidParam('id') id: string, @Body() dto: InviteDto, @CurrentUser() user: SessionUser) {
    await this.contacts.invite(user, id, dto);
    return { invited: true };
  }

  @Delete('towns/:id/contacts/:userId')
  @HttpCode(204)
  @Roles()
  @ApiCookieAuth()
  @ApiOperation({ summary: 'Remove a contact (never the last one; the main contact only after a handover)' })
  async remove(@UuidParam('id') id: string, @UuidParam('userId') userId: string, @CurrentUser() user: SessionUser) {
    await this.contacts.remove(user, id, userId);
  }

  @Put('admin/towns/:id/main-contact')
  @Roles('office', 'admin')
  @ApiCookieAuth()
  @ApiOperation({ summary: 'Hand the main contact over to another (active) contact of the town' })
  async setMain(@UuidParam('id') id: string, @Body() dto: MainContactDto, @CurrentUser() user: SessionUser) {
    await this.contacts.setMain(user, id, dto.userId);
    return { townId: id, mainContact: dto.userId };
  }

  @Post('auth/invitation/accept')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Accept an invitation: set the password with the token from the invitation link and consent to the privacy notice',
  })
  async accept(@Body() dto: AcceptDto) {
    await this.contacts.acceptInvitation(dto.token, dto.password, dto.privacyAccepted);
    return { accepted: true };
  }
}
