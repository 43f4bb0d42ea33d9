import { Body, Controller, Get, Patch, Post, Query } from '@nestjs/common';
import { ApiCookieAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../auth/current-user.decorator';
import { StepRoute } from '../auth/step-route.decorator';
import { Roles } from '../auth/roles.guard';
import type { SessionUser } from '../auth/session-user';
import { DomainError } from '../common/domain-error';
import { API_QUERY_NAMES } from './practice-search.util';
import { type PracticeSource, PracticesService } from './practices.service';
import { PracticesViewModel } from './practices.view-model';
import { UuidParam } from '../common/uuid-param.decorator';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The source of a new draft from the API body: own (default), a tandem or a workshop. */
function sourceOf(body: unknown): PracticeSource {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const bad = (en: string, de: string, field: string) => new DomainError(400, 'invalid_source', en, de, field);
  const origin = b.origin ?? 'own';
  if (origin === 'own') return { origin };
  if (origin === 'tandem') {
    if (typeof b.tandemId !== 'string' || !UUID.test(b.tandemId)) throw bad('tandemId must be a UUID', 'Das Tandem fehlt.', 'tandemId');
    return { origin, tandemId: b.tandemId };
  }
  if (origin === 'workshop') {
    if (typeof b.workshopId !== 'string' || !UUID.test(b.workshopId))
      throw bad('workshopId must be a UUID', 'Die Werkstatt fehlt.', 'workshopId');
    return { origin, workshopId: b.workshopId };
  }
  throw bad('origin must be own, tandem or workshop', 'Die Herkunft ist ungültig.', 'origin');
}

// The Methodenkoffer's JSON API (issue 27): published examples and methods for everybody; drafts, edits and
// submission for the town that writes; publish and return for the office.
@ApiTags('practices')
@ApiCookieAuth()
@Controller('api')
export class PracticesController {
  constructor(
    private readonly practices: PracticesService,
    private readonly vm: PracticesViewModel,
  ) {}

  @Get('methods')
  @ApiOperation({ summary: 'The methods (Steckbriefe) of the Methodenkoffer: name, what it is, when it helps, effort, actors, links' })
  methods() {
    return this.vm.methods();
  }

  @Get('practices')
  @ApiOperation({
    summary:
      'Published application examples: German full-text search (q, stemmed), filters topic, method (slug), land (code or name), size (size class), status; sort relevance | similar | newest; page',
  })
  list(@Query() q: Record<string, unknown>, @CurrentUser() user: SessionUser | undefined) {
    return this.vm.search(user, q, API_QUERY_NAMES);
  }

  @Get('practices/mine')
  @Roles('town_contact')
  @ApiOperation({ summary: "Your town's examples (working copies) with their review state" })
  mine(@CurrentUser() user: SessionUser) {
    return this.vm.mine(user);
  }

  @Get('practices/review')
  @Roles('office', 'admin')
  @ApiOperation({ summary: 'Examples waiting for the office’s review, oldest submission first' })
  review() {
    return this.vm.reviewQueue();
  }

  @Get('practices/:id')
  @ApiOperation({
    summary:
      'One example: the published version (contact address for verified towns and the office only); its own town and the office also get the working copy',
  })
  get(@UuidParam('id') id: string, @CurrentUser() user: SessionUser | undefined) {
    return this.vm.detail(user, id);
  }

  @Post('practices')
  @Roles('town_contact')
  @ApiOperation({
    summary:
      'A new draft for your town: { origin: own } or { origin: tandem, tandemId } (concluded) or { origin: workshop, workshopId } (documented); pre-filled',
  })
  async create(@Body() body: Record<string, unknown>, @CurrentUser() user: SessionUser) {
    const { id, created } = await this.practices.createDraft(user, sourceOf(body));
    return { ...(await this.vm.detail(user, id)), created };
  }

  @Patch('practices/:id')
  @Roles('town_contact')
  @ApiOperation({ summary: "Change your town's working copy (fields left out keep their value); a published example gets a new draft" })
  async update(@UuidParam('id') id: string, @Body() body: Record<string, unknown>, @CurrentUser() user: SessionUser) {
    await this.practices.update(user, id, body, 'api');
    return this.vm.detail(user, id);
  }

  @StepRoute('practices/:id/submit', ['town_contact'], 'Hand the example to the office for review (400 lists what is missing)')
  async submit(@UuidParam('id') id: string, @CurrentUser() user: SessionUser) {
    const out = await this.practices.submit(user, id);
    return { ...(await this.vm.detail(user, id)), notified: out.recipients };
  }

  @StepRoute('practices/:id/publish', ['office', 'admin'], 'Publish a submitted example as its next version')
  async publish(@UuidParam('id') id: string, @CurrentUser() user: SessionUser) {
    const out = await this.practices.publish(user, id);
    return { ...(await this.vm.detail(user, id)), notified: out.recipients };
  }

  @StepRoute('practices/:id/return', ['office', 'admin'], 'Give a submitted example back to its town with a comment (10–2000 characters)')
  async giveBack(@UuidParam('id') id: string, @Body() body: Record<string, unknown>, @CurrentUser() user: SessionUser) {
    const out = await this.practices.returnToTown(user, id, body?.comment);
    return { ...(await this.vm.detail(user, id)), notified: out.recipients };
  }
}
