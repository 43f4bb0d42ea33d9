import { Module } from '@nestjs/common';
import { AuditModule } from '../../audit/audit.module';
import { AuthModule } from '../../auth/auth.module';
import { AccountsModule } from '../accounts.module';
import { MailModule } from '../../mail/mail.module';
import { AddressBookUnsubscribePagesController } from './address-book-unsubscribe.pages.controller';
import { AddressBookController } from './address-book.controller';
import { AddressBookRepository } from './address-book.repository';
import { AddressBookService } from './address-book.service';
import { AddressBookViewModel } from './address-book.view-model';
import { TownRecipientsRepository } from './town-recipients.repository';

// Issue 25, reach: the office's address book per town, the claim invitation and the person's own opt-out. The office's
// form posts live beside its town page (src/admin/office-address-book.pages.controller.ts).
@Module({
  imports: [AuthModule, AccountsModule, AuditModule, MailModule],
  controllers: [AddressBookController, AddressBookUnsubscribePagesController],
  providers: [AddressBookService, AddressBookRepository, AddressBookViewModel, TownRecipientsRepository],
  exports: [AddressBookService, AddressBookViewModel],
})
export class AddressBookModule {}
