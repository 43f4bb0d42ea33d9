import { Body, Controller, Get, HttpCode, Post, Query, Render, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DomainError } from '../common/domain-error';
import { asText, fieldErrors, formError, validateForm } from '../common/form.util';
import { MunicipalityRepository } from '../municipalities/municipality.repository';
import { LoginRateLimitGuard } from '../security/login-rate-limit.guard';
import { AuthService } from '../auth/auth.service';
import { ConfirmationResendRateLimitGuard } from './confirmation-resend-rate-limit.guard';
import { credentialsFromBody } from '../auth/local-auth.guard';
import { logIn, logOut } from '../auth/login.util';
import { RegisterDto } from './register.dto';
import { RegistrationRateLimitGuard } from './registration-rate-limit.guard';
import { RegistrationService } from './registration.service';

const REGISTER_GERMAN: Record<string, string> = {
  ags: 'Bitte wählen Sie Ihre Kommune aus der Trefferliste aus.',
  email: 'Bitte geben Sie eine gültige E-Mail-Adresse an.',
  password: 'Bitte geben Sie ein Passwort an (höchstens 200 Zeichen).',
  displayName: 'Bitte geben Sie Ihren Namen an (2 bis 80 Zeichen).',
  privacyAccepted: 'Bitte bestätigen Sie, dass Sie die Datenschutzerklärung gelesen haben.',
  contactFunction: 'Bitte wählen Sie Ihre Funktion aus.',
};

// Only same-site relative paths are accepted as a post-login target (no open redirect).
const safeNext = (next: unknown) => (typeof next === 'string' && /^\/(?!\/)[\w\-/?=&%.]*$/.test(next) ? next : '');

@ApiExcludeController()
@Controller()
export class AuthPagesController {
  constructor(
    private readonly registration: RegistrationService,
    private readonly auth: AuthService,
    private readonly municipalities: MunicipalityRepository,
  ) {}

  @Get()
  @Render('home')
  home() {
    return { title: 'Willkommen' };
  }

  @Get('registrieren')
  async registerForm(@Query('suche') search: string | undefined, @Res() res: Response) {
    return res.render('register', {
      title: 'Kommune registrieren',
      ...(await this.searchState(search)),
      form: { contactFunction: 'mayor' },
    });
  }

  @Post('registrieren')
  @UseGuards(RegistrationRateLimitGuard)
  async register(@Body() body: Record<string, unknown>, @Res() res: Response) {
    // Form fields as text: a repeated or nested field (`suche[a]=…`) is not text and counts as empty.
    const plain = {
      ags: asText(body.ags),
      email: asText(body.email).trim(),
      password: asText(body.password),
      displayName: asText(body.displayName),
      contactFunction: body.contactFunction,
      privacyAccepted: body.privacyAccepted === 'ja',
    };
    const { dto, errors } = await validateForm(RegisterDto, plain, REGISTER_GERMAN, (f) => (f === 'ags' ? 'kommune-wahl' : f));
    if (!errors.length) {
      try {
        await this.registration.register(dto);
        return res.redirect(303, '/registriert');
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        errors.push(formError(err.messageDe, err.field));
      }
    }
    const form = { ...plain, password: '' };
    return res.status(400).render('register', {
      title: 'Fehler: Kommune registrieren',
      ...(await this.searchState(body.suche, asText(body.ags))),
      form,
      errors,
      fieldErrors: fieldErrors(errors),
    });
  }

  @Get('registriert')
  @Render('registered')
  registered() {
    return { title: 'Registrierung eingegangen' };
  }

  @Get('bestaetigen')
  confirmPage(@Query('token') token: string | undefined, @Res() res: Response) {
    if (!token)
      return res.status(400).render('confirm', { title: 'E-Mail-Adresse bestätigen', errors: ['Der Bestätigungslink ist unvollständig.'] });
    return res.render('confirm', { title: 'E-Mail-Adresse bestätigen', token });
  }

  @Post('bestaetigen')
  async confirm(@Body('token') token: string, @Res() res: Response) {
    try {
      await this.registration.confirm(String(token ?? ''));
      return res.render('confirm', { title: 'E-Mail-Adresse bestätigt', confirmed: true });
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      return res.status(err.getStatus()).render('confirm', { title: 'E-Mail-Adresse bestätigen', errors: [err.messageDe] });
    }
  }

  @Get('bestaetigung-erneut')
  resendForm(@Res() res: Response) {
    return res.render('confirm-resend', { title: 'Bestätigungsmail erneut senden' });
  }

  @Post('bestaetigung-erneut')
  @HttpCode(200)
  @UseGuards(ConfirmationResendRateLimitGuard)
  async resend(@Body() body: Record<string, unknown>, @Res() res: Response) {
    const email = typeof body.email === 'string' ? body.email.trim() : '';
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 254) {
      return res.status(400).render('confirm-resend', {
        title: 'Bestätigungsmail erneut senden',
        email,
        errors: ['Bitte geben Sie eine gültige E-Mail-Adresse an.'],
      });
    }
    await this.registration.resendConfirmation(email);
    return res.render('confirm-resend', { title: 'Bestätigungsmail erneut senden', sent: true });
  }

  @Get('anmelden')
  loginForm(@Query('next') next: string | undefined, @Res() res: Response) {
    return res.render('login', { title: 'Anmelden', next: safeNext(next) });
  }

  @Post('anmelden')
  @UseGuards(LoginRateLimitGuard)
  async login(@Body() body: Record<string, string>, @Req() req: Request, @Res() res: Response) {
    try {
      const { email, password } = credentialsFromBody(body);
      const user = await this.auth.validate(email, password);
      await logIn(req, user);
      const home = user.townId ? '/meine-kommune' : '/geschaeftsstelle/registrierungen';
      return res.redirect(303, safeNext(body.next) || home);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      return res
        .status(err.getStatus())
        .render('login', { title: 'Anmelden', email: body.email, next: safeNext(body.next), errors: [err.messageDe] });
    }
  }

  @Post('abmelden')
  async logout(@Req() req: Request, @Res() res: Response) {
    await logOut(req);
    return res.redirect(303, '/');
  }

  private async searchState(search: unknown, keepAgs?: string) {
    const term = asText(search).trim();
    if (term.length < 2) return { search: term, searched: false, hits: [] };
    const hits = await this.municipalities.search(term.slice(0, 80), 15);
    if (keepAgs && !hits.some((h) => h.ags === keepAgs)) {
      const kept = await this.municipalities.findByAgs(keepAgs);
      if (kept) hits.unshift(Object.assign(kept, { registered: false }));
    }
    return { search: term, searched: true, hits };
  }
}
