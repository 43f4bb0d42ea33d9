import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { DomainError } from '../common/domain-error';
import { CurrentUser } from '../auth/current-user.decorator';
import { Roles } from '../auth/roles.guard';
import type { SessionUser } from '../auth/session-user';
import { TownContactsViewModel } from './town-contacts.view-model';
import { TownContactsService } from './town-contacts.service';
import { UuidParam } from '../common/uuid-param.decorator';

const str = (v: unknown) => (typeof v === 'string' ? v : '');
const FUNCTIONS = ['mayor', 'deputy', 'staff'] as const;

/** Contacts of a town: the town's own page, the invitation page and the office's handover page. */
@ApiExcludeController()
@Controller()
export class TownContactsPagesController {
  constructor(
    private readonly contacts: TownContactsService,
    private readonly views: TownContactsViewModel,
  ) {}

  @Get('meine-kommune/kontakte')
  @Roles('town_contact')
  async own(@CurrentUser() user: SessionUser, @Query('erledigt') done: string | undefined, @Res() res: Response) {
    return res.render('town-contacts', await this.views.townPage(user, user.townId!, { done }));
  }

  @Post('meine-kommune/kontakte')
  @Roles('town_contact')
  async invite(@CurrentUser() user: SessionUser, @Body() body: Record<string, unknown>, @Res() res: Response) {
    const form = { email: str(body.email).trim(), displayName: str(body.displayName), contactFunction: str(body.contactFunction) };
    const errors: string[] = [];
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(form.email) || form.email.length > 254)
      errors.push('Bitte geben Sie eine gültige E-Mail-Adresse an.');
    if (!FUNCTIONS.includes(form.contactFunction as never)) errors.push('Bitte wählen Sie die Funktion aus.');
    if (!errors.length) {
      try {
        await this.contacts.invite(
          user,
          user.townId!,
          form as { email: string; displayName: string; contactFunction: 'mayor' | 'deputy' | 'staff' },
        );
        return res.redirect(303, '/meine-kommune/kontakte?erledigt=eingeladen');
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        errors.push(err.messageDe);
      }
    }
    return res.status(400).render('town-contacts', await this.views.townPage(user, user.townId!, { form, errors }));
  }

  @Post('meine-kommune/kontakte/:userId/entfernen')
  @Roles('town_contact')
  async removeOwn(@CurrentUser() user: SessionUser, @UuidParam('userId') userId: string, @Res() res: Response) {
    try {
      await this.contacts.remove(user, user.townId!, userId);
      return res.redirect(303, '/meine-kommune/kontakte?erledigt=entfernt');
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      return res
        .status(err.getStatus())
        .render('town-contacts', await this.views.townPage(user, user.townId!, { errors: [err.messageDe] }));
    }
  }

  @Get('einladung')
  async invitation(@Query('token') token: string | undefined, @Res() res: Response) {
    const invitation = token ? await this.contacts.invitationFor(token) : null;
    if (!invitation) {
      return res.status(400).render('invitation', {
        title: 'Einladung',
        errors: ['Dieser Einladungslink ist ungültig, abgelaufen oder wurde bereits verwendet.'],
      });
    }
    return res.render('invitation', { title: 'Einladung annehmen', token, invitation });
  }

  @Post('einladung')
  async accept(@Body() body: Record<string, unknown>, @Res() res: Response) {
    const token = str(body.token);
    try {
      await this.contacts.acceptInvitation(token, str(body.password).slice(0, 200), body.privacyAccepted === 'ja');
      return res.render('invitation', { title: 'Einladung angenommen', done: true });
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      // The form comes back for what the person can correct; an invalid link shows only the message.
      const invitation = ['weak_password', 'privacy_not_accepted'].includes(err.code) ? await this.contacts.invitationFor(token) : null;
      return res
        .status(err.getStatus())
        .render('invitation', { title: 'Einladung annehmen', token: invitation ? token : undefined, invitation, errors: [err.messageDe] });
    }
  }

  // The office's list of towns (/geschaeftsstelle/kommunen) lives in src/admin/office.pages.controller.ts; its town
  // page links here to manage the contacts.

  @Get('geschaeftsstelle/kommunen/:id/kontakte')
  @Roles('office', 'admin')
  async officeContacts(
    @CurrentUser() user: SessionUser,
    @UuidParam('id') id: string,
    @Query('erledigt') done: string | undefined,
    @Res() res: Response,
  ) {
    return res.render('town-contacts', await this.views.townPage(user, id, { done }));
  }

  @Post('geschaeftsstelle/kommunen/:id/kontakte/:userId/:action')
  @Roles('office', 'admin')
  async officeAction(
    @CurrentUser() user: SessionUser,
    @UuidParam('id') id: string,
    @UuidParam('userId') userId: string,
    @Param('action') action: string,
    @Res() res: Response,
  ) {
    try {
      if (action === 'haupt') await this.contacts.setMain(user, id, userId);
      else if (action === 'entfernen') await this.contacts.remove(user, id, userId);
      else throw new DomainError(404, 'not_found', 'Not found', 'Die Seite wurde nicht gefunden.');
      return res.redirect(303, `/geschaeftsstelle/kommunen/${id}/kontakte?erledigt=${action === 'haupt' ? 'haupt' : 'entfernt'}`);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      return res.status(err.getStatus()).render('town-contacts', await this.views.townPage(user, id, { errors: [err.messageDe] }));
    }
  }
}
