import { Body, Controller, Get, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiCookieAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { LoginRateLimitGuard } from '../security/login-rate-limit.guard';
import { CurrentUser } from '../auth/current-user.decorator';
import { LocalAuthGuard } from '../auth/local-auth.guard';
import { logOut } from '../auth/login.util';
import { ResetRequestDto } from './account.dto';
import { ConfirmationResendRateLimitGuard } from './confirmation-resend-rate-limit.guard';
import { ConfirmDto, LoginDto, RegisterDto } from './register.dto';
import { RegistrationRateLimitGuard } from './registration-rate-limit.guard';
import { RegistrationService } from './registration.service';
import { Roles } from '../auth/roles.guard';
import type { SessionUser } from '../auth/session-user';

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(private readonly registration: RegistrationService) {}

  @Post('register')
  @UseGuards(RegistrationRateLimitGuard)
  @ApiOperation({
    summary: 'Register a town (by AGS) and its first contact; sends a confirmation email (rate limited per client)',
    description: 'The answer is the same whether or not the email already has an account; the owner of the address learns which by mail.',
  })
  async register(@Body() dto: RegisterDto) {
    await this.registration.register(dto);
    return { status: 'pending', message: 'Please check your mailbox: we sent the next step to this address.' };
  }

  @Post('confirm')
  @HttpCode(200)
  @ApiOperation({ summary: 'Confirm an email address with the token from the confirmation link' })
  async confirm(@Body() dto: ConfirmDto) {
    await this.registration.confirm(dto.token);
    return { confirmed: true };
  }

  @Post('confirm/resend')
  @HttpCode(202)
  @UseGuards(ConfirmationResendRateLimitGuard)
  @ApiOperation({
    summary: 'Send the registration confirmation mail again (rate limited per address and per client)',
    description:
      'The answer is the same whether or not the address has an application waiting for confirmation; only then does a mail go out, with a new link.',
  })
  async resendConfirmation(@Body() dto: ResetRequestDto) {
    await this.registration.resendConfirmation(dto.email);
    return { message: 'If a registration is waiting for this address to be confirmed, we sent a new confirmation link to it.' };
  }

  @Post('login')
  @HttpCode(200)
  @UseGuards(LoginRateLimitGuard, LocalAuthGuard)
  @ApiOperation({
    summary: 'Log in with email and password in the JSON body; sets the session cookie (rate limited per client and per account)',
  })
  login(@Body() _dto: LoginDto, @CurrentUser() user: SessionUser) {
    return user;
  }

  @Post('logout')
  @HttpCode(204)
  @ApiCookieAuth()
  async logout(@Req() req: Request) {
    await logOut(req);
  }

  @Get('me')
  @Roles()
  @ApiCookieAuth()
  me(@CurrentUser() user: SessionUser) {
    return user;
  }
}
