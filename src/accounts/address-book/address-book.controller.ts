import { Body, Controller, Delete, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiCookieAuth, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { CurrentUser } from '../../auth/current-user.decorator';
import { Roles } from '../../auth/roles.guard';
import type { SessionUser } from '../../auth/session-user';
import { AddressBookService } from './address-book.service';
import { addressBookEntryJson } from './address-book.view-model';
import { UuidParam } from '../../common/uuid-param.decorator';

// The fields are checked by the service (address-book-input.util.ts), which answers every problem in English and German.
class AddressBookEntryDto {
  @ApiProperty({ description: "2 to 80 characters: letters, spaces and . - '" }) @IsOptional() displayName?: unknown;
  @ApiProperty({ enum: ['mayor', 'deputy', 'staff'] }) @IsOptional() contactFunction?: unknown;
  @ApiProperty() @IsOptional() email?: unknown;
  @ApiProperty({ required: false }) @IsOptional() phone?: unknown;
  @ApiProperty({ description: 'where the address comes from (required, DSGVO Art. 14), e.g. "Website der Gemeinde, abgerufen 12.11.2026"' })
  @IsOptional()
  source?: unknown;
}

@ApiTags('geschaeftsstelle')
@ApiCookieAuth()
@Roles('office', 'admin')
@Controller('api/admin/towns/:id/address-book')
export class AddressBookController {
  constructor(private readonly book: AddressBookService) {}

  @Get()
  @ApiOperation({ summary: "The office's address book of a town (people to write to while the town has no account)" })
  async list(@UuidParam('id') id: string) {
    const l = await this.book.list(id);
    return { townId: l.townId, townName: l.townName, entries: l.entries.map(addressBookEntryJson) };
  }

  @Post()
  @ApiOperation({ summary: 'Add a person to the address book (unique address per town; source required)' })
  async add(@UuidParam('id') id: string, @Body() dto: AddressBookEntryDto, @CurrentUser() user: SessionUser) {
    return addressBookEntryJson(await this.book.add(user, id, dto));
  }

  @Put(':contactId')
  @ApiOperation({ summary: 'Change an address-book entry (all fields)' })
  async update(
    @UuidParam('id') id: string,
    @UuidParam('contactId') contactId: string,
    @Body() dto: AddressBookEntryDto,
    @CurrentUser() user: SessionUser,
  ) {
    return addressBookEntryJson(await this.book.update(user, id, contactId, dto));
  }

  @Delete(':contactId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove an address-book entry' })
  async remove(@UuidParam('id') id: string, @UuidParam('contactId') contactId: string, @CurrentUser() user: SessionUser) {
    await this.book.remove(user, id, contactId);
  }

  @Post(':contactId/invite')
  @HttpCode(202)
  @ApiOperation({
    summary:
      "Invite the person to take the town's account over (verified towns; the same answer whether or not the address already has an account)",
  })
  async invite(@UuidParam('id') id: string, @UuidParam('contactId') contactId: string, @CurrentUser() user: SessionUser) {
    await this.book.invite(user, id, contactId);
    return { invited: true };
  }
}
