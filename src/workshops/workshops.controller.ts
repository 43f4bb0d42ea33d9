import { Body, Controller, Get, Patch, Post, Query } from '@nestjs/common';
import { ApiCookieAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../auth/current-user.decorator';
import { StepRoute } from '../auth/step-route.decorator';
import { Roles } from '../auth/roles.guard';
import type { SessionUser } from '../auth/session-user';
import {
  AnswerWorkshopDto,
  CancelWorkshopDto,
  CreateWorkshopDto,
  DocumentWorkshopDto,
  InviteTownDto,
  UpdateWorkshopDto,
  WithdrawInvitationDto,
} from './workshops.dto';
import { WorkshopsService } from './workshops.service';
import { WorkshopsViewModel } from './workshops.view-model';
import { UuidParam } from '../common/uuid-param.decorator';

// Same rules as the pages: every step goes through WorkshopsService; a refused step answers 4xx saying why.
@ApiTags('workshops')
@ApiCookieAuth()
@Controller('api/workshops')
export class WorkshopsController {
  constructor(
    private readonly workshops: WorkshopsService,
    private readonly vm: WorkshopsViewModel,
  ) {}

  @Get()
  @Roles()
  @ApiOperation({
    summary: 'Office: all workshops. Town contact: invitations to answer, upcoming (accepted), declined and past workshops of the own town',
  })
  list(@CurrentUser() user: SessionUser) {
    return this.vm.list(user);
  }

  @Post()
  @Roles('office', 'admin')
  @ApiOperation({ summary: 'A draft from a proposed group (runId + groupNo) or an empty draft for a theme' })
  async create(@Body() dto: CreateWorkshopDto, @CurrentUser() user: SessionUser) {
    return this.vm.detail(user, await this.workshops.createDraft(user, dto));
  }

  @Get(':id')
  @Roles()
  @ApiOperation({
    summary: 'One workshop (office: towns, broken rules, allowed steps, timeline; town: its own invitation). 404 if not yours',
  })
  get(@UuidParam('id') id: string, @CurrentUser() user: SessionUser) {
    return this.vm.detail(user, id);
  }

  @Patch(':id')
  @Roles('office', 'admin')
  @ApiOperation({ summary: 'Title, date (future, Europe/Berlin), duration, format and place; after publishing the towns get an update' })
  async update(@UuidParam('id') id: string, @Body() dto: UpdateWorkshopDto, @CurrentUser() user: SessionUser) {
    await this.workshops.update(user, id, dto);
    return this.vm.detail(user, id);
  }

  @StepRoute(
    ':id/publish',
    ['office', 'admin'],
    'draft → invited: checks the group rules (409 names the rule and the towns) and sends the invitations',
  )
  async publish(@UuidParam('id') id: string, @CurrentUser() user: SessionUser) {
    const report = await this.workshops.publish(user, id);
    // Who got the invitation, and the towns that had nobody to receive it (issue 25).
    return { ...(await this.vm.detail(user, id)), recipients: report.recipients, unreachableTowns: report.unreachableTowns };
  }

  @StepRoute(':id/answer', ['town_contact'], "Accept or decline the own town's invitation (the same answer twice changes nothing)")
  async answer(@UuidParam('id') id: string, @Body() dto: AnswerWorkshopDto, @CurrentUser() user: SessionUser) {
    await this.workshops.answer(user, id, dto.answer, { reason: dto.reason });
    return this.vm.detail(user, id);
  }

  @Get(':id/replacements')
  @Roles('office', 'admin')
  @ApiOperation({ summary: 'The best towns for a free place, keeping the rules, with German reasons' })
  async replacements(@UuidParam('id') id: string) {
    return { replacements: await this.workshops.replacements(id) };
  }

  @StepRoute(
    ':id/invitations',
    ['office', 'admin'],
    'Invite any verified town (after publishing it gets the invitation with its calendar entry as things stand). 409: at most 6 towns; once published, a second town of one Land',
  )
  async invite(@UuidParam('id') id: string, @Body() dto: InviteTownDto, @CurrentUser() user: SessionUser) {
    await this.workshops.invite(user, id, dto.townId);
    return this.vm.detail(user, id);
  }

  @Get(':id/town-search')
  @Roles('office', 'admin')
  @ApiQuery({ name: 'q', required: false, description: 'Part of the name, district or AGS (at least 2 characters)' })
  @ApiOperation({
    summary:
      'Verified towns by name to add to the workshop, each with what it brings to the theme, whether invited, and a rule it would break',
  })
  async searchTowns(@UuidParam('id') id: string, @Query('q') q: unknown) {
    return { towns: await this.vm.townSearch(id, q) };
  }

  @StepRoute(
    ':id/invitations/:townId/withdraw',
    ['office', 'admin'],
    'Take one invitation back (a published workshop: the town gets a mail with a calendar cancellation); answers the workshop and replacement suggestions',
  )
  async withdraw(
    @UuidParam('id') id: string,
    @UuidParam('townId') townId: string,
    @Body() dto: WithdrawInvitationDto,
    @CurrentUser() user: SessionUser,
  ) {
    await this.workshops.withdrawInvitation(user, id, townId, { reason: dto.reason });
    const rows = await this.vm.load(id);
    return { ...(await this.vm.detailOf(user, rows)), replacements: await this.workshops.replacements(id, undefined, rows) };
  }

  @StepRoute(':id/close', ['office', 'admin'], 'Close the invitations: towns can no longer answer')
  close(@UuidParam('id') id: string, @CurrentUser() user: SessionUser) {
    return this.step(user, id, 'close', {});
  }

  @StepRoute(
    ':id/confirm',
    ['office', 'admin'],
    'invited → confirmed: at least four accepted towns keeping the rules; all accepted towns are told',
  )
  confirm(@UuidParam('id') id: string, @CurrentUser() user: SessionUser) {
    return this.step(user, id, 'confirm', {});
  }

  @StepRoute(':id/held', ['office', 'admin'], 'confirmed → held')
  held(@UuidParam('id') id: string, @CurrentUser() user: SessionUser) {
    return this.step(user, id, 'hold', {});
  }

  @StepRoute(':id/document', ['office', 'admin'], 'held → documented: what was presented, what towns will try, topics')
  document(@UuidParam('id') id: string, @Body() dto: DocumentWorkshopDto, @CurrentUser() user: SessionUser) {
    return this.step(user, id, 'document', { result: dto });
  }

  @StepRoute(
    ':id/cancel',
    ['office', 'admin'],
    'Cancel from draft, invited or confirmed (reason required); towns get a calendar cancellation',
  )
  cancel(@UuidParam('id') id: string, @Body() dto: CancelWorkshopDto, @CurrentUser() user: SessionUser) {
    return this.step(user, id, 'cancel', { reason: dto.reason });
  }

  private async step(
    user: SessionUser,
    id: string,
    action: Parameters<WorkshopsService['act']>[2],
    input: Parameters<WorkshopsService['act']>[3],
  ) {
    await this.workshops.act(user, id, action, input);
    return this.vm.detail(user, id);
  }
}
