import { Controller, Get, HttpCode, Inject, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { ADDRESS_BOOK_UNSUBSCRIBE_PATH, verifyAddressBookUnsubscribe } from './address-book-unsubscribe.util';
import { AddressBookService } from './address-book.service';

const TITLE = 'Keine weiteren E-Mails';

/** RFC 8058 one-click "keine weiteren Mails" of an address-book entry: the signed link is the authorisation. */
@ApiExcludeController()
@Controller()
export class AddressBookUnsubscribePagesController {
  constructor(
    private readonly book: AddressBookService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get(ADDRESS_BOOK_UNSUBSCRIBE_PATH.slice(1))
  page(@Query('k') contactId: unknown, @Query('s') signature: unknown, @Res() res: Response) {
    const valid = verifyAddressBookUnsubscribe(this.config.digest.unsubscribeSecret, contactId, signature);
    return res.status(valid ? 200 : 400).render('address-book-unsubscribe', { title: TITLE, invalid: !valid, contactId, signature });
  }

  /** Mail programs POST "List-Unsubscribe=One-Click" here; the confirm page's button posts here too. */
  @Post(ADDRESS_BOOK_UNSUBSCRIBE_PATH.slice(1))
  @HttpCode(200)
  async optOut(@Query('k') contactId: unknown, @Query('s') signature: unknown, @Res() res: Response) {
    if (!verifyAddressBookUnsubscribe(this.config.digest.unsubscribeSecret, contactId, signature)) {
      return res.status(400).render('address-book-unsubscribe', { title: TITLE, invalid: true });
    }
    await this.book.optOut(contactId);
    return res.render('address-book-unsubscribe', { title: TITLE, done: true });
  }
}
