import { Body, Controller, Get, HttpCode, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiCookieAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser } from '../auth/current-user.decorator';
import { StepRoute } from '../auth/step-route.decorator';
import { Roles } from '../auth/roles.guard';
import type { SessionUser } from '../auth/session-user';
import {
  AttendanceDto,
  CancelEventDto,
  DocumentEventDto,
  EventDto,
  EventListQueryDto,
  PracticeDraftDto,
  RegisterDto,
  ReturnProposalDto,
  SendInvitationsDto,
} from './events.dto';
import { EventPracticeService } from './event-practice.service';
import { EventProposalsService } from './event-proposals.service';
import { EventsService } from './events.service';
import { EventsViewModel } from './events.view-model';
import { UuidParam } from '../common/uuid-param.decorator';

// Same rules as the pages: every step goes through EventsService; a refused step answers 4xx saying why.
@ApiTags('events')
@ApiCookieAuth()
@Controller('api/events')
export class EventsController {
  constructor(
    private readonly events: EventsService,
    private readonly proposals: EventProposalsService,
    private readonly practice: EventPracticeService,
    private readonly vm: EventsViewModel,
  ) {}

  // ---- town-hosted events ("Wir laden ein"); before ':id' so that "proposals" is no id -----------------------

  @Get('proposals')
  @Roles('town_contact')
  @ApiOperation({ summary: "Verified town: the events it proposed and hosts, every state, with the office's comment on a returned one" })
  async ownProposals(@CurrentUser() user: SessionUser) {
    await this.proposals.hostTownOf(user);
    return { events: await this.vm.hostedBy(user) };
  }

  @Post('proposals')
  @HttpCode(201)
  @Roles('town_contact')
  @ApiOperation({
    summary: 'Verified town: propose an event it hosts (same fields as the office creates); the office approves or returns it',
  })
  async propose(@Body() dto: EventDto, @CurrentUser() user: SessionUser) {
    const out = await this.proposals.propose(user, dto);
    return { ...(await this.vm.detail(user, out.id)), officeNotified: out.officeRecipients };
  }

  @StepRoute(
    'proposals/:id/resubmit',
    ['town_contact'],
    'Host town: revise a returned proposal (fields to change, optional) and propose it again',
  )
  async resubmit(@UuidParam('id') id: string, @Body() dto: EventDto, @CurrentUser() user: SessionUser) {
    const out = await this.proposals.resubmit(user, id, dto);
    return { ...(await this.vm.detail(user, id)), officeNotified: out.officeRecipients };
  }

  @Get()
  @Roles()
  @ApiOperation({ summary: 'Office: every event. Town contact: published events, filtered; fitsYou marks those that fit the own town' })
  list(@CurrentUser() user: SessionUser, @Query() q: EventListQueryDto) {
    return this.vm.list(user, { kind: q.kind, format: q.format, topic: q.topic, fit: q.fit === 'true' });
  }

  @Post()
  @Roles('office', 'admin')
  @ApiOperation({ summary: 'A draft event: kind, title, format and place, start, end, deadline, places, topics, target audience' })
  async create(@Body() dto: EventDto, @CurrentUser() user: SessionUser) {
    return this.vm.detail(user, await this.events.create(user, dto));
  }

  @Get(':id')
  @Roles()
  @ApiOperation({ summary: 'One event (office: registrations, target, steps, timeline; town: its own registrations and contacts)' })
  get(@UuidParam('id') id: string, @CurrentUser() user: SessionUser) {
    return this.vm.detail(user, id);
  }

  @Patch(':id')
  @Roles('office', 'admin')
  @ApiOperation({
    summary: 'Change the event; after publishing a new time or place goes to everyone with a place (same UID, higher SEQUENCE)',
  })
  async update(@UuidParam('id') id: string, @Body() dto: EventDto, @CurrentUser() user: SessionUser) {
    await this.events.update(user, id, dto);
    return this.vm.detail(user, id);
  }

  @StepRoute(':id/publish', ['office', 'admin'], 'draft → published: registration opens (start and deadline must lie ahead)')
  publish(@UuidParam('id') id: string, @CurrentUser() user: SessionUser) {
    return this.step(user, id, 'publish', {});
  }

  @StepRoute(':id/close', ['office', 'admin'], 'published → registration_closed before the deadline (the deadline closes it by itself)')
  close(@UuidParam('id') id: string, @CurrentUser() user: SessionUser) {
    return this.step(user, id, 'close', {});
  }

  @StepRoute(':id/held', ['office', 'admin'], '→ held, once the event has begun')
  held(@UuidParam('id') id: string, @CurrentUser() user: SessionUser) {
    return this.step(user, id, 'hold', {});
  }

  @StepRoute(':id/document', ['office', 'admin'], 'held → documented, with the results')
  document(@UuidParam('id') id: string, @Body() dto: DocumentEventDto, @CurrentUser() user: SessionUser) {
    return this.step(user, id, 'document', { resultSummary: dto.resultSummary });
  }

  @StepRoute(
    ':id/cancel',
    ['office', 'admin'],
    'Cancel (reason required); everyone registered is told, with a calendar cancellation for those with a place',
  )
  cancel(@UuidParam('id') id: string, @Body() dto: CancelEventDto, @CurrentUser() user: SessionUser) {
    return this.step(user, id, 'cancel', { reason: dto.reason });
  }

  @StepRoute(
    ':id/approve',
    ['office', 'admin'],
    "proposed → draft: the office takes a town's proposal over (then edits and publishes it); the host is told",
  )
  async approve(@UuidParam('id') id: string, @CurrentUser() user: SessionUser) {
    const out = await this.proposals.approve(user, id);
    return { ...(await this.vm.detail(user, id)), recipients: out.report.recipients };
  }

  @StepRoute(':id/return', ['office', 'admin'], 'proposed → returned with a comment (10–1000 characters), mailed to the host town')
  async returnProposal(@UuidParam('id') id: string, @Body() dto: ReturnProposalDto, @CurrentUser() user: SessionUser) {
    const out = await this.proposals.returnToHost(user, id, dto.comment);
    return { ...(await this.vm.detail(user, id)), recipients: out.report.recipients };
  }

  @Get(':id/registrations')
  @Roles()
  @ApiOperation({
    summary: 'Everyone registered: the host town reads name, town and status (no email addresses); the office also the address',
  })
  async registrations(@UuidParam('id') id: string, @CurrentUser() user: SessionUser) {
    return { registrations: await this.vm.registrationsFor(user, id) };
  }

  @StepRoute(
    ':id/practice-draft',
    ['office', 'admin'],
    'A documented event → a Methodenkoffer draft of the host town (or a chosen town with a place), pre-filled; again: the same draft',
  )
  async practiceDraft(@UuidParam('id') id: string, @Body() dto: PracticeDraftDto, @CurrentUser() user: SessionUser) {
    const out = await this.practice.draft(user, id, dto.townId);
    return { practiceId: out.practiceId, created: out.created, link: `/methodenkoffer/${out.practiceId}` };
  }

  @Get(':id/audience')
  @Roles('office', 'admin')
  @ApiOperation({
    summary: 'The towns the event is for, ranked (its topics among their challenges, then towns not yet connected), with German reasons',
  })
  async audience(@UuidParam('id') id: string) {
    return { towns: await this.vm.audienceOf(id) };
  }

  @StepRoute(
    ':id/invitations',
    ['office', 'admin'],
    'Send the invitation to the chosen towns of the audience (all when none chosen), each town once',
  )
  async invite(@UuidParam('id') id: string, @Body() dto: SendInvitationsDto, @CurrentUser() user: SessionUser) {
    const report = await this.events.sendInvitations(user, id, dto.townIds);
    return { recipients: report.recipients, unreachableTowns: report.unreachableTowns };
  }

  @Post(':id/registrations')
  @HttpCode(201)
  @Roles('town_contact', 'office', 'admin')
  @ApiOperation({
    summary:
      'Register a contact of the town (contactId) or a name and email: a place while places last (in total and per town), else the waiting list',
  })
  register(@UuidParam('id') id: string, @Body() dto: RegisterDto, @CurrentUser() user: SessionUser) {
    return this.events.register(user, id, dto);
  }

  @StepRoute(
    ':id/registrations/:registrationId/cancel',
    ['town_contact', 'office', 'admin'],
    'Cancel a registration of the own town (office: any); the next on the waiting list moves up',
  )
  async cancelRegistration(
    @UuidParam('id') id: string,
    @UuidParam('registrationId') registrationId: string,
    @CurrentUser() user: SessionUser,
  ) {
    await this.events.cancelRegistration(user, id, registrationId);
    return this.vm.detail(user, id);
  }

  @StepRoute(':id/attendance', ['office', 'admin'], 'After the event: who attended')
  async attendance(@UuidParam('id') id: string, @Body() dto: AttendanceDto, @CurrentUser() user: SessionUser) {
    await this.events.setAttendance(user, id, dto.attended);
    return this.vm.detail(user, id);
  }

  @Get(':id/participants.csv')
  @Roles('office', 'admin')
  @ApiProduces('text/csv')
  @ApiOperation({ summary: 'The participant list (CSV for German Excel: BOM, semicolons, German headers)' })
  async csv(@UuidParam('id') id: string, @Res() res: Response) {
    const { filename, body } = await this.vm.participantsCsv(id);
    res.type('text/csv; charset=utf-8').attachment(filename).send(body);
  }

  private async step(
    user: SessionUser,
    id: string,
    action: Parameters<EventsService['act']>[2],
    input: Parameters<EventsService['act']>[3],
  ) {
    await this.events.act(user, id, action, input);
    return this.vm.detail(user, id);
  }
}
