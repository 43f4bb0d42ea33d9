import { Body, Controller, HttpCode, Post, Put, Req, UseGuards } from '@nestjs/common';
import { ApiCookieAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { AccountService } from './account.service';
import { ChangeEmailDto, ChangePasswordDto, ResetPasswordDto, ResetRequestDto, TokenDto } from './account.dto';
import { CurrentUser } from '../auth/current-user.decorator';
import { logIn } from '../auth/login.util';
import { RegistrationRateLimitGuard } from './registration-rate-limit.guard';
import { Roles } from '../auth/roles.guard';
import type { SessionUser } from '../auth/session-user';

@ApiTags('auth')
@Controller('api/auth')
export class AccountController {
  constructor(private readonly account: AccountService) {}

  @Post('password-reset')
  @HttpCode(202)
  @UseGuards(RegistrationRateLimitGuard)
  @ApiOperation({ summary: 'Send a password reset link (same answer whether or not the address has an account; rate limited)' })
  async requestReset(@Body() dto: ResetRequestDto) {
    await this.account.requestReset(dto.email);
    return { message: 'If an account exists for this address, we sent a link to it.' };
  }

  @Post('password-reset/confirm')
  @HttpCode(200)
  @ApiOperation({ summary: 'Set a new password with the single-use link token; ends all sessions of the user' })
  async reset(@Body() dto: ResetPasswordDto) {
    await this.account.resetPassword(dto.token, dto.password);
    return { passwordChanged: true };
  }

  @Post('password')
  @HttpCode(200)
  @Roles()
  @ApiCookieAuth()
  @ApiOperation({ summary: 'Change the password (current password required); other sessions end' })
  async changePassword(@Body() dto: ChangePasswordDto, @CurrentUser() user: SessionUser, @Req() req: Request) {
    await this.account.changePassword(user, dto.currentPassword, dto.newPassword);
    await logIn(req, user);
    return { passwordChanged: true };
  }

  @Put('phone')
  @Roles()
  @ApiCookieAuth()
  @ApiOperation({ summary: 'Set (or with an empty value remove) the phone number tandem partners see from approval on' })
  async setPhone(@Body() body: Record<string, unknown>, @CurrentUser() user: SessionUser) {
    return { phone: await this.account.setPhone(user, body?.phone) };
  }

  @Post('email')
  @HttpCode(202)
  @Roles()
  @ApiCookieAuth()
  @ApiOperation({ summary: 'Change the email address: a link goes to the new address, a notice to the old one' })
  async changeEmail(@Body() dto: ChangeEmailDto, @CurrentUser() user: SessionUser) {
    await this.account.requestEmailChange(user, dto.currentPassword, dto.newEmail);
    return { message: 'Please confirm via the link sent to the new address.' };
  }

  @Post('email/confirm')
  @HttpCode(200)
  @ApiOperation({ summary: 'Confirm an email change with the token from the link sent to the new address' })
  async confirmEmail(@Body() dto: TokenDto) {
    return this.account.confirmEmailChange(dto.token);
  }
}
