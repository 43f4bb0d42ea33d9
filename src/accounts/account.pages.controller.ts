import { Body, Controller, Get, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DomainError } from '../common/domain-error';
import { AccountService } from './account.service';
import { CurrentUser } from '../auth/current-user.decorator';
import { logIn, logOut } from '../auth/login.util';
import { PersonalDataService } from './personal-data.service';
import { RegistrationRateLimitGuard } from './registration-rate-limit.guard';
import { Roles } from '../auth/roles.guard';
import type { SessionUser } from '../auth/session-user';

const str = (v: unknown) => (typeof v === 'string' ? v : '');
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const ACCOUNT_DONE: Record<string, string> = {
  passwort: 'Ihr Passwort wurde geändert. Andere Anmeldungen wurden beendet.',
  email: 'Wir haben einen Bestätigungslink an die neue Adresse geschickt. Erst nach der Bestätigung gilt die neue Adresse.',
  telefon: 'Ihre Telefonnummer wurde gespeichert.',
};

/** Pages for forgotten passwords and the signed-in person's account settings (German). */
@ApiExcludeController()
@Controller()
export class AccountPagesController {
  constructor(
    private readonly account: AccountService,
    private readonly personal: PersonalDataService,
  ) {}

  @Get('passwort-vergessen')
  forgotForm(@Res() res: Response) {
    return res.render('password-forgot', { title: 'Passwort vergessen' });
  }

  @Post('passwort-vergessen')
  @UseGuards(RegistrationRateLimitGuard)
  async forgot(@Body() body: Record<string, unknown>, @Res() res: Response) {
    const email = str(body.email).trim();
    if (!EMAIL.test(email) || email.length > 254) {
      return res
        .status(400)
        .render('password-forgot', { title: 'Passwort vergessen', email, errors: ['Bitte geben Sie eine gültige E-Mail-Adresse an.'] });
    }
    await this.account.requestReset(email);
    return res.render('password-forgot', { title: 'Passwort vergessen', sent: true });
  }

  @Get('passwort-neu')
  resetForm(@Query('token') token: string | undefined, @Res() res: Response) {
    if (!token) return res.status(400).render('password-reset', { title: 'Neues Passwort', errors: ['Der Link ist unvollständig.'] });
    return res.render('password-reset', { title: 'Neues Passwort', token });
  }

  @Post('passwort-neu')
  async reset(@Body() body: Record<string, unknown>, @Res() res: Response) {
    const token = str(body.token);
    try {
      await this.account.resetPassword(token, str(body.password).slice(0, 200));
      return res.render('password-reset', { title: 'Neues Passwort', done: true });
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      const keepToken = err.code === 'weak_password' ? token : undefined;
      return res.status(err.getStatus()).render('password-reset', { title: 'Neues Passwort', token: keepToken, errors: [err.messageDe] });
    }
  }

  @Get('konto')
  @Roles()
  async settings(@CurrentUser() user: SessionUser, @Query('erledigt') done: string | undefined, @Res() res: Response) {
    const phone = await this.account.phoneOf(user);
    return res.render('account', { title: 'Ihr Konto', account: user, phone, done: ACCOUNT_DONE[done ?? ''] });
  }

  @Post('konto/telefon')
  @Roles()
  async setPhone(@CurrentUser() user: SessionUser, @Body() body: Record<string, unknown>, @Res() res: Response) {
    try {
      await this.account.setPhone(user, body.phone);
      return res.redirect(303, '/konto?erledigt=telefon');
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      const phone = typeof body.phone === 'string' ? body.phone.slice(0, 100) : '';
      return res.status(err.getStatus()).render('account', { title: 'Ihr Konto', account: user, phone, errors: [err.messageDe] });
    }
  }

  @Post('konto/passwort')
  @Roles()
  async changePassword(@CurrentUser() user: SessionUser, @Body() body: Record<string, unknown>, @Req() req: Request, @Res() res: Response) {
    try {
      await this.account.changePassword(user, str(body.currentPassword).slice(0, 200), str(body.newPassword).slice(0, 200));
      await logIn(req, user);
      return res.redirect(303, '/konto?erledigt=passwort');
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      return res.status(err.getStatus()).render('account', { title: 'Ihr Konto', account: user, errors: [err.messageDe] });
    }
  }

  @Post('konto/email')
  @Roles()
  async changeEmail(@CurrentUser() user: SessionUser, @Body() body: Record<string, unknown>, @Res() res: Response) {
    const newEmail = str(body.newEmail).trim();
    if (!EMAIL.test(newEmail) || newEmail.length > 254) {
      return res.status(400).render('account', {
        title: 'Ihr Konto',
        account: user,
        newEmail,
        errors: ['Bitte geben Sie eine gültige neue E-Mail-Adresse an.'],
      });
    }
    try {
      await this.account.requestEmailChange(user, str(body.currentPassword).slice(0, 200), newEmail);
      return res.redirect(303, '/konto?erledigt=email');
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      return res.status(err.getStatus()).render('account', { title: 'Ihr Konto', account: user, newEmail, errors: [err.messageDe] });
    }
  }

  @Get('konto/daten')
  @Roles()
  async download(@CurrentUser() user: SessionUser, @Res() res: Response) {
    res.setHeader('Content-Disposition', 'attachment; filename="kleinstadt-tandem-daten.json"');
    res.json(await this.personal.export(user));
  }

  @Post('konto/loeschen')
  @Roles()
  async deleteAccount(@CurrentUser() user: SessionUser, @Body() body: Record<string, unknown>, @Req() req: Request, @Res() res: Response) {
    if (body.confirm !== 'ja') {
      return res
        .status(400)
        .render('account', { title: 'Ihr Konto', account: user, errors: ['Bitte bestätigen Sie, dass Sie Ihr Konto löschen möchten.'] });
    }
    try {
      await this.personal.deleteAccount(user, str(body.currentPassword).slice(0, 200));
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      return res.status(err.getStatus()).render('account', { title: 'Ihr Konto', account: user, errors: [err.messageDe] });
    }
    await logOut(req).catch(() => undefined);
    return res.render('account-deleted', { title: 'Konto gelöscht', user: undefined, isOffice: false });
  }

  // Confirmed by a button, not by opening the link: mail scanners that open links must not change the address.
  @Get('email-bestaetigen')
  emailForm(@Query('token') token: string | undefined, @Res() res: Response) {
    if (!token)
      return res.status(400).render('email-confirm', { title: 'Neue E-Mail-Adresse bestätigen', errors: ['Der Link ist unvollständig.'] });
    return res.render('email-confirm', { title: 'Neue E-Mail-Adresse bestätigen', token });
  }

  @Post('email-bestaetigen')
  async confirmEmail(@Body() body: Record<string, unknown>, @Res() res: Response) {
    try {
      const { email } = await this.account.confirmEmailChange(str(body.token));
      return res.render('email-confirm', { title: 'Neue E-Mail-Adresse bestätigt', done: true, email });
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      return res.status(err.getStatus()).render('email-confirm', { title: 'Neue E-Mail-Adresse bestätigen', errors: [err.messageDe] });
    }
  }
}
