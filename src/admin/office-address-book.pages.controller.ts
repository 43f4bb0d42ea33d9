import { Body, Controller, Post, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { AddressBookService } from '../accounts/address-book/address-book.service';
import { AddressBookForm, AddressBookViewModel } from '../accounts/address-book/address-book.view-model';
import { CurrentUser } from '../auth/current-user.decorator';
import { Roles } from '../auth/roles.guard';
import type { SessionUser } from '../auth/session-user';
import { townNotFound } from '../common/domain-error';
import { parseAddressBookInput } from '../accounts/address-book/address-book-input.util';
import { OfficeOverviewViewModel } from './office-overview.view-model';
import { rerenderOnDomainError } from '../common/page-action';
import { UuidParam } from '../common/uuid-param.decorator';

const str = (v: unknown) => (typeof v === 'string' ? v : '');
const formOf = (body: Record<string, unknown>): AddressBookForm => ({
  displayName: str(body.displayName),
  contactFunction: str(body.contactFunction),
  email: str(body.email),
  phone: str(body.phone),
  source: str(body.source),
});

/** The address-book forms on the office's town page (issue 25); thin: rules in AddressBookService. */
@ApiExcludeController()
@Roles('office', 'admin')
@Controller('geschaeftsstelle/kommunen/:id/adressbuch')
export class OfficeAddressBookPagesController {
  constructor(
    private readonly vm: OfficeOverviewViewModel,
    private readonly book: AddressBookService,
    private readonly bookView: AddressBookViewModel,
  ) {}

  @Post()
  async add(@UuidParam('id') id: string, @Body() body: Record<string, unknown>, @CurrentUser() user: SessionUser, @Res() res: Response) {
    const form = formOf(body);
    const { problems } = parseAddressBookInput(form);
    if (problems.length) return this.back(res, 400, id, user, { form, errors: problems.map((p) => p.messageDe) });
    return rerenderOnDomainError(
      async () => {
        await this.book.add(user, id, form);
        return this.done(res, id, 'aufgenommen');
      },
      (errors, status) => this.back(res, status, id, user, { form, errors }),
      [404],
    );
  }

  @Post(':contactId')
  async update(
    @UuidParam('id') id: string,
    @UuidParam('contactId') contactId: string,
    @Body() body: Record<string, unknown>,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const form = formOf(body);
    const { problems } = parseAddressBookInput(form);
    if (problems.length) return this.back(res, 400, id, user, { form, editId: contactId, errors: problems.map((p) => p.messageDe) });
    return rerenderOnDomainError(
      async () => {
        await this.book.update(user, id, contactId, form);
        return this.done(res, id, 'geaendert');
      },
      (errors, status) => this.back(res, status, id, user, { form, editId: contactId, errors }),
      [404],
    );
  }

  @Post(':contactId/entfernen')
  async remove(
    @UuidParam('id') id: string,
    @UuidParam('contactId') contactId: string,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    await this.book.remove(user, id, contactId);
    return this.done(res, id, 'entfernt');
  }

  @Post(':contactId/einladen')
  async invite(
    @UuidParam('id') id: string,
    @UuidParam('contactId') contactId: string,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    return rerenderOnDomainError(
      async () => {
        await this.book.invite(user, id, contactId);
        return this.done(res, id, 'eingeladen');
      },
      (errors, status) => this.back(res, status, id, user, { errors }),
      [404],
    );
  }

  private done(res: Response, id: string, what: string) {
    return res.redirect(303, `/geschaeftsstelle/kommunen/${id}?adressbuch=${what}#adressbuch-h`);
  }

  /** The town page again, the section showing what went wrong and keeping what was typed; nothing was changed. */
  private async back(
    res: Response,
    status: number,
    id: string,
    user: SessionUser,
    opts: { form?: AddressBookForm; editId?: string; errors: string[] },
  ) {
    const town = await this.vm.town(id, user);
    if (!town) throw townNotFound();
    const addressBook = await this.bookView.section(id, opts);
    return res.status(status).render('office-town', { title: town.name, town, errors: [], draft: '', saved: false, addressBook });
  }
}
