import { mergeReports } from '../accounts/address-book/town-recipients.util';
import { Body, Controller, Delete, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiCookieAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../auth/current-user.decorator';
import { StepRoute } from '../auth/step-route.decorator';
import { Roles } from '../auth/roles.guard';
import { isOffice, type SessionUser } from '../auth/session-user';
import { AnswerDto, ConcludeDto, ListQueryDto, PartnerDto, ProposeDto, ReasonDto, RequestTandemDto } from './tandems.dto';
import { TandemProposalsService } from './tandem-proposals.service';
import { TandemsService } from './tandems.service';
import { OFFICE_PAGE_SIZE, TandemsViewModel } from './tandems.view-model';
import { TandemAction } from './core/tandem-transitions.util';
import { UuidParam } from '../common/uuid-param.decorator';

// Same rules as the pages: every step goes through TandemsService; a step the table forbids answers 409 saying why.
@ApiTags('tandems')
@ApiCookieAuth()
@Controller('api/tandems')
export class TandemsController {
  constructor(
    private readonly tandems: TandemsService,
    private readonly proposals: TandemProposalsService,
    private readonly vm: TandemsViewModel,
  ) {}

  @Post()
  @Roles('town_contact')
  @ApiOperation({ summary: 'Ask a suggested town for a tandem (409: self, not verified/opted out, at capacity, pair already open)' })
  async request(@Body() dto: RequestTandemDto, @CurrentUser() user: SessionUser) {
    const id = await this.tandems.request(user, dto.partnerTownId, { topic: dto.topic, message: dto.message });
    return this.vm.detail(user, id);
  }

  @Post('dismissals')
  @HttpCode(204)
  @Roles('town_contact')
  @ApiOperation({ summary: '"Kein Interesse": hide a suggested town for 12 months (no tandem, no email)' })
  async dismiss(@Body() dto: PartnerDto, @CurrentUser() user: SessionUser) {
    await this.tandems.dismissSuggestion(user, dto.partnerTownId);
  }

  @Get('dismissals')
  @Roles('town_contact')
  @ApiOperation({ summary: 'The towns your town hid with "Kein Interesse" that still rest (12 months)' })
  dismissals(@CurrentUser() user: SessionUser) {
    return this.tandems.dismissed(user);
  }

  @Delete('dismissals/:partnerId')
  @HttpCode(204)
  @Roles('town_contact')
  @ApiOperation({ summary: 'Undo "Kein Interesse": the town may be suggested again (404 if your town did not hide it)' })
  async restore(@UuidParam('partnerId') partnerId: string, @CurrentUser() user: SessionUser) {
    await this.tandems.undoDismissal(user, partnerId);
  }

  @Get()
  @Roles()
  @ApiOperation({
    summary:
      "Own town's tandems grouped (incoming, outgoing, active, past); for the office one page of all tandems (newest change first, optionally by state): { items, page, pages, limit, total, offset, from, to }",
  })
  list(@Query() q: ListQueryDto, @CurrentUser() user: SessionUser) {
    if (isOffice(user)) return this.vm.officeList(user, q.state, q.page ?? 1, q.limit ?? OFFICE_PAGE_SIZE);
    return this.vm.mine(user);
  }

  @Get(':id')
  @Roles()
  @ApiOperation({ summary: 'One tandem with both towns, match reasons, allowed actions and the audit timeline (404 if not yours)' })
  get(@UuidParam('id') id: string, @CurrentUser() user: SessionUser) {
    return this.vm.detail(user, id);
  }

  @Post('proposals')
  @Roles('office', 'admin')
  @ApiOperation({ summary: 'Send one pair of the current tandem round to both towns as the office proposal' })
  async propose(@Body() dto: ProposeDto, @CurrentUser() user: SessionUser) {
    const out = await this.proposals.propose(user, dto.townA, dto.townB);
    // Who got the proposal mail, and the towns that had nobody to receive it (issue 25).
    return {
      ...(await this.vm.detail(user, out.tandemId)),
      recipients: out.recipients ?? [],
      unreachableTowns: out.unreachableTowns ?? [],
    };
  }

  @StepRoute(
    'proposals/round',
    ['office', 'admin'],
    'Send every pair of the current tandem round; pairs that break a rule by now are skipped with the reason',
  )
  async proposeRound(@CurrentUser() user: SessionUser) {
    const outcomes = await this.proposals.proposeRound(user);
    const report = mergeReports(outcomes.map((o) => ({ recipients: o.recipients ?? [], unreachableTowns: o.unreachableTowns ?? [] })));
    return {
      sent: outcomes.filter((o) => o.tandemId).length,
      outcomes: outcomes.map(({ skippedDe: _de, ...o }) => o),
      recipients: report.recipients,
      unreachableTowns: report.unreachableTowns,
    };
  }

  @StepRoute(':id/accept', [], 'Partner accepts a request, or a town accepts an office proposal')
  accept(@UuidParam('id') id: string, @Body() dto: AnswerDto, @CurrentUser() user: SessionUser) {
    return this.step(user, id, 'accept', { message: dto.message });
  }

  @StepRoute(':id/decline', [], 'Partner declines a request, or a town declines an office proposal (reason required)')
  decline(@UuidParam('id') id: string, @Body() dto: ReasonDto, @CurrentUser() user: SessionUser) {
    return this.step(user, id, 'decline', { reason: dto.reason });
  }

  @StepRoute(':id/withdraw', [], 'Requester withdraws a request (office: a proposal); reason required')
  withdraw(@UuidParam('id') id: string, @Body() dto: ReasonDto, @CurrentUser() user: SessionUser) {
    return this.step(user, id, 'withdraw', { reason: dto.reason });
  }

  @StepRoute(':id/approve', ['office', 'admin'], 'Office approves an accepted request')
  approve(@UuidParam('id') id: string, @Body() dto: ReasonDto, @CurrentUser() user: SessionUser) {
    return this.step(user, id, 'approve', { reason: dto.reason });
  }

  @StepRoute(':id/reject', ['office', 'admin'], 'Office rejects a request (reason required)')
  reject(@UuidParam('id') id: string, @Body() dto: ReasonDto, @CurrentUser() user: SessionUser) {
    return this.step(user, id, 'reject', { reason: dto.reason });
  }

  @StepRoute(':id/start', [], 'An approved tandem starts (either town or the office)')
  start(@UuidParam('id') id: string, @CurrentUser() user: SessionUser) {
    return this.step(user, id, 'start', {});
  }

  @StepRoute(
    ':id/conclude',
    [],
    "Give your town's result of an active tandem; the second town's result concludes it (the office: only after the deadline)",
  )
  conclude(@UuidParam('id') id: string, @Body() dto: ConcludeDto, @CurrentUser() user: SessionUser) {
    return this.step(user, id, 'conclude', {
      result: {
        tried: dto.tried,
        learnt: dto.learnt,
        topics: dto.topics,
        adoption: dto.adoption,
        rating: dto.rating,
        mayPublish: dto.mayPublish,
      },
    });
  }

  @StepRoute(
    ':id/fit',
    ['town_contact'],
    'Answer the fit check ("Passt das Tandem?") for your town: { fits: true } or { fits: false, reason } (ends it as not a fit)',
  )
  async fit(@UuidParam('id') id: string, @Body() body: Record<string, unknown>, @CurrentUser() user: SessionUser) {
    await this.tandems.answerFit(user, id, { fits: body?.fits, reason: body?.reason });
    return this.vm.detail(user, id);
  }

  @StepRoute(':id/cancel', [], 'End an approved or active tandem early (reason required)')
  cancel(@UuidParam('id') id: string, @Body() dto: ReasonDto, @CurrentUser() user: SessionUser) {
    return this.step(user, id, 'cancel', { reason: dto.reason });
  }

  private async step(user: SessionUser, id: string, action: TandemAction, input: Parameters<TandemsService['act']>[3]) {
    await this.tandems.act(user, id, action, input);
    return this.vm.detail(user, id);
  }
}
