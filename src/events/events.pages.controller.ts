import { Body, Controller, Get, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { mailReportView, type MailReport } from '../accounts/address-book/town-recipients.util';
import { CurrentUser } from '../auth/current-user.decorator';
import { Roles } from '../auth/roles.guard';
import { isOffice, type SessionUser } from '../auth/session-user';
import { asList, asText } from '../common/form.util';
import { rerenderOnDomainError } from '../common/page-action';
import { EVENT_FORMATS, EVENT_KINDS, OFFICE_STEPS, OfficeStep, REVIEW_COMMENT_LIMITS } from './core/event-transitions.util';
import type { EventInput } from './event-input.util';
import { EventPracticeService } from './event-practice.service';
import { EventProposalsService } from './event-proposals.service';
import { EventRepository } from './event.repository';
import { EventsService } from './events.service';
import { EventFilters, EventsViewModel } from './events.view-model';
import { UuidParam } from '../common/uuid-param.decorator';

const DONE: Record<string, string> = {
  registered: 'Die Person ist angemeldet. Sie erhält eine Bestätigung mit dem Termin für ihren Kalender.',
  waiting: 'Alle Plätze sind vergeben: Die Person steht auf der Warteliste und rückt automatisch nach, sobald ein Platz frei wird.',
  cancelled: 'Die Anmeldung ist zurückgenommen.',
  saved: 'Gespeichert.',
  created: 'Die Veranstaltung ist als Entwurf angelegt.',
  publish: 'Veröffentlicht: Die Anmeldung ist offen. Laden Sie nun die passenden Kommunen ein.',
  close: 'Die Anmeldung ist geschlossen.',
  hold: 'Die Veranstaltung ist als durchgeführt vermerkt. Vermerken Sie nun, wer teilgenommen hat.',
  document: 'Die Ergebnisse sind dokumentiert.',
  cancel: 'Die Veranstaltung ist abgesagt; alle Angemeldeten werden informiert.',
  attendance: 'Die Teilnahme ist vermerkt.',
  invited: 'Die Einladungen sind versendet.',
  approved: 'Der Vorschlag ist übernommen: Die Veranstaltung ist jetzt Ihr Entwurf. Prüfen Sie die Angaben und veröffentlichen Sie sie.',
  returned: 'Der Vorschlag ist mit Ihrem Hinweis an die Kommune zurückgegeben.',
  practice: 'Der Methodenkoffer-Entwurf ist angelegt.',
};

/** What the host town reads after a step on its proposal. */
const HOST_DONE = (officeRecipients: number) =>
  officeRecipients
    ? `Ihr Vorschlag liegt jetzt der Geschäftsstelle vor; ${officeRecipients === 1 ? 'ihr Konto wurde' : `ihre ${officeRecipients} Konten wurden`} per E-Mail benachrichtigt. Sie erhalten eine E-Mail, sobald er geprüft ist.`
    : 'Ihr Vorschlag liegt jetzt der Geschäftsstelle vor. Sie erhalten eine E-Mail, sobald er geprüft ist.';

const STEP_LABEL: Record<OfficeStep, string> = {
  publish: 'Veröffentlichen und Anmeldung öffnen',
  close: 'Anmeldung schließen',
  hold: 'Als durchgeführt vermerken',
  document: 'Ergebnisse dokumentieren',
  cancel: 'Veranstaltung absagen',
};

const formInput = (b: Record<string, unknown>): EventInput => ({
  kind: asText(b.kind),
  title: asText(b.title),
  description: asText(b.description),
  format: asText(b.format),
  address: asText(b.address),
  onlineLink: asText(b.onlineLink),
  startsAt: asText(b.startsAt),
  endsAt: asText(b.endsAt),
  registrationDeadline: asText(b.registrationDeadline),
  placesTotal: asText(b.placesTotal),
  placesPerTown: asText(b.placesPerTown),
  topics: asList(b.topics),
  targetStates: asList(b.targetStates),
  targetSizeClasses: asList(b.targetSizeClasses),
  targetTopics: asList(b.targetTopics),
});

const filtersOf = (q: Record<string, unknown>): EventFilters => ({
  kind: EVENT_KINDS.includes(asText(q.art) as never) ? asText(q.art) : undefined,
  format: EVENT_FORMATS.includes(asText(q.format) as never) ? asText(q.format) : undefined,
  topic: /^[a-z0-9-]{1,60}$/.test(asText(q.thema)) ? asText(q.thema) : undefined,
  fit: asText(q.passend) === 'ja',
});

// Thin: rules in EventsService, what a page shows in EventsViewModel (shared with the API).
@ApiExcludeController()
@Controller()
export class EventsPagesController {
  constructor(
    private readonly events: EventsService,
    private readonly proposals: EventProposalsService,
    private readonly practice: EventPracticeService,
    private readonly vm: EventsViewModel,
    private readonly repo: EventRepository,
  ) {}

  @Get('veranstaltungen')
  @Roles()
  async list(@CurrentUser() user: SessionUser, @Query() q: Record<string, unknown>, @Res() res: Response) {
    if (isOffice(user)) return res.redirect(303, '/geschaeftsstelle/veranstaltungen');
    const filters = filtersOf(q);
    const events = await this.vm.list(user, filters);
    return res.render('events-list', {
      title: 'Veranstaltungen',
      upcoming: events.filter((e) => e.endsAt.getTime() >= Date.now()),
      past: events.filter((e) => e.endsAt.getTime() < Date.now()),
      filters: await this.vm.filterChoices(filters),
      canPropose: await this.proposals.mayHost(user),
    });
  }

  // ---- a town hosts ("Wir laden ein"); before ':id' so that "einladen" is no id ------------------------------

  @Get('veranstaltungen/einladen')
  @Roles('town_contact')
  async proposeForm(@CurrentUser() user: SessionUser, @Res() res: Response) {
    await this.proposals.hostTownOf(user);
    return this.renderProposeForm(user, res);
  }

  private async renderProposeForm(user: SessionUser, res: Response, errors: string[] = [], status = 200, values?: Record<string, unknown>) {
    const form = await this.vm.formFor(null);
    return res.status(status).render('event-propose', {
      title: 'Wir laden ein: eine Veranstaltung vorschlagen',
      form: values ? { ...form, values } : form,
      errors,
      hosted: await this.vm.hostedBy(user),
    });
  }

  @Post('veranstaltungen/einladen')
  @Roles('town_contact')
  async propose(@Body() body: Record<string, unknown>, @CurrentUser() user: SessionUser, @Res() res: Response) {
    await this.proposals.hostTownOf(user);
    return rerenderOnDomainError(
      async () => {
        const out = await this.proposals.propose(user, formInput(body));
        return res.redirect(303, `/veranstaltungen/${out.id}?erledigt=proposed-${out.officeRecipients}`);
      },
      (errors, status) => this.renderProposeForm(user, res, errors, status, formInput(body) as Record<string, unknown>),
      [403],
    );
  }

  @Get('veranstaltungen/:id')
  @Roles()
  async detail(
    @UuidParam('id') id: string,
    @Query('erledigt') done: string | undefined,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
    errors: string[] = [],
    status = 200,
    values: Record<string, string> = {},
  ) {
    if (isOffice(user)) return res.redirect(303, `/geschaeftsstelle/veranstaltungen/${id}`);
    const e = await this.vm.detail(user, id);
    const proposed = /^proposed-(\d{1,3})$/.exec(done ?? '');
    return res.status(status).render('event-detail', {
      title: e.title,
      e,
      done: proposed ? HOST_DONE(Number(proposed[1])) : DONE[done ?? ''],
      errors,
      values,
      canRegister: !!user.townId,
      reviseForm: 'canRevise' in e && e.canRevise ? await this.vm.formFor(await this.repo.findById(id)) : null,
    });
  }

  @Post('veranstaltungen/:id/vorschlag')
  @Roles('town_contact')
  async resubmit(
    @UuidParam('id') id: string,
    @Body() body: Record<string, unknown>,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    return rerenderOnDomainError(
      async () => {
        const out = await this.proposals.resubmit(user, id, formInput(body));
        return res.redirect(303, `/veranstaltungen/${id}?erledigt=proposed-${out.officeRecipients}`);
      },
      (errors, status) => this.detail(id, undefined, user, res, errors, status),
      [404, 403],
    );
  }

  @Post('veranstaltungen/:id/anmelden')
  @Roles('town_contact')
  async register(
    @UuidParam('id') id: string,
    @Body() body: Record<string, unknown>,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const input = { contactId: asText(body.contactId) || undefined, name: asText(body.name), email: asText(body.email) };
    return rerenderOnDomainError(
      async () => {
        const r = await this.events.register(user, id, input);
        return res.redirect(303, `/veranstaltungen/${id}?erledigt=${r.status === 'confirmed' ? 'registered' : 'waiting'}#anmeldungen-h`);
      },
      (errors, status) => this.detail(id, undefined, user, res, errors, status, { name: input.name, email: input.email }),
      [404],
    );
  }

  @Post('veranstaltungen/:id/anmeldungen/:registrationId/abmelden')
  @Roles('town_contact')
  async cancel(
    @UuidParam('id') id: string,
    @UuidParam('registrationId') registrationId: string,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    return rerenderOnDomainError(
      async () => {
        await this.events.cancelRegistration(user, id, registrationId);
        return res.redirect(303, `/veranstaltungen/${id}?erledigt=cancelled`);
      },
      (errors, status) => this.detail(id, undefined, user, res, errors, status),
      [404],
    );
  }

  // ---- the office ------------------------------------------------------------------------------------------

  @Get('geschaeftsstelle/veranstaltungen')
  @Roles('office', 'admin')
  officeList(@CurrentUser() user: SessionUser, @Res() res: Response) {
    return this.renderList(user, res);
  }

  private async renderList(user: SessionUser, res: Response, errors: string[] = [], status = 200, values?: Record<string, unknown>) {
    const form = await this.vm.formFor(null);
    const all = await this.vm.list(user);
    return res.status(status).render('office-events', {
      title: 'Veranstaltungen verwalten',
      events: all.filter((e) => !e.isProposal),
      proposals: all.filter((e) => e.isProposal),
      form: values ? { ...form, values } : form,
      errors,
    });
  }

  @Post('geschaeftsstelle/veranstaltungen')
  @Roles('office', 'admin')
  async create(@Body() body: Record<string, unknown>, @CurrentUser() user: SessionUser, @Res() res: Response) {
    return rerenderOnDomainError(
      async () => {
        const id = await this.events.create(user, formInput(body));
        return res.redirect(303, `/geschaeftsstelle/veranstaltungen/${id}?erledigt=created`);
      },
      (errors, status) => this.renderList(user, res, errors, status, formInput(body) as Record<string, unknown>),
    );
  }

  @Get('geschaeftsstelle/veranstaltungen/:id')
  @Roles('office', 'admin')
  async editor(
    @UuidParam('id') id: string,
    @Query('erledigt') done: string | undefined,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
    errors: string[] = [],
    status = 200,
    report: MailReport | null = null,
  ) {
    const e = (await this.vm.detail(user, id)) as Awaited<ReturnType<EventsViewModel['detail']>> & {
      allowedActions: string[];
      registrations: { status: string }[];
    };
    const row = await this.repo.findById(id);
    const steps = e.allowedActions.filter((a): a is OfficeStep => (OFFICE_STEPS as readonly string[]).includes(a));
    const documented = e.state === 'documented';
    const audience = ['published'].includes(e.state) ? await this.vm.audienceOf(id) : [];
    return res.status(status).render('office-event', {
      title: `Veranstaltung verwalten: ${e.title}`,
      e,
      done: DONE[done ?? ''],
      errors,
      form: await this.vm.formFor(row),
      editable: e.allowedActions.includes('edit'),
      steps: steps.filter((s) => s !== 'document' && s !== 'cancel').map((s) => ({ action: s, label: STEP_LABEL[s] })),
      canCancel: steps.includes('cancel'),
      canDocument: steps.includes('document'),
      audience,
      audienceOpen: audience.filter((a) => !a.invited).length,
      live: e.registrations.filter((r) => r.status !== 'cancelled'),
      attendanceOpen: e.state === 'held' || e.state === 'documented',
      mailReport: mailReportView(report),
      review: e.state === 'proposed' ? { commentLimits: REVIEW_COMMENT_LIMITS } : null,
      practiceDraft: documented ? await this.practice.draftOf(id) : null,
      practiceTowns: documented ? await this.practice.candidateTowns(id) : [],
    });
  }

  @Post('geschaeftsstelle/veranstaltungen/:id/vorschlag')
  @Roles('office', 'admin')
  async review(@UuidParam('id') id: string, @Body() body: Record<string, unknown>, @CurrentUser() user: SessionUser, @Res() res: Response) {
    const action = asText(body.action);
    if (action !== 'approve' && action !== 'return')
      return this.editor(id, undefined, user, res, ['Bitte wählen Sie: übernehmen oder zurückgeben.'], 400);
    return this.editorAfter(id, user, res, async () => {
      const out =
        action === 'approve' ? await this.proposals.approve(user, id) : await this.proposals.returnToHost(user, id, asText(body.comment));
      return this.editor(id, action === 'approve' ? 'approved' : 'returned', user, res, [], 200, out.report);
    });
  }

  @Post('geschaeftsstelle/veranstaltungen/:id/methodenkoffer')
  @Roles('office', 'admin')
  async practiceDraft(
    @UuidParam('id') id: string,
    @Body() body: Record<string, unknown>,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    return this.editorAfter(id, user, res, async () => {
      const out = await this.practice.draft(user, id, asText(body.townId) || undefined);
      return res.redirect(
        303,
        `/methodenkoffer/${out.practiceId}?erledigt=${out.created ? 'aus-veranstaltung' : 'veranstaltung-vorhanden'}`,
      );
    });
  }

  @Post('geschaeftsstelle/veranstaltungen/:id')
  @Roles('office', 'admin')
  async save(@UuidParam('id') id: string, @Body() body: Record<string, unknown>, @CurrentUser() user: SessionUser, @Res() res: Response) {
    return this.officeStep(id, user, res, 'saved', () => this.events.update(user, id, formInput(body)));
  }

  @Post('geschaeftsstelle/veranstaltungen/:id/schritt')
  @Roles('office', 'admin')
  async step(@UuidParam('id') id: string, @Body() body: Record<string, unknown>, @CurrentUser() user: SessionUser, @Res() res: Response) {
    const action = asText(body.action) as OfficeStep;
    if (!OFFICE_STEPS.includes(action)) return this.editor(id, undefined, user, res, ['Bitte wählen Sie einen Schritt.'], 400);
    return this.officeStep(id, user, res, action, () =>
      this.events.act(user, id, action, { reason: asText(body.reason), resultSummary: asText(body.resultSummary) }),
    );
  }

  @Post('geschaeftsstelle/veranstaltungen/:id/einladen')
  @Roles('office', 'admin')
  async invite(@UuidParam('id') id: string, @Body() body: Record<string, unknown>, @CurrentUser() user: SessionUser, @Res() res: Response) {
    const townIds = asList(body.townIds);
    if (!townIds.length) return this.editor(id, undefined, user, res, ['Bitte wählen Sie mindestens eine Kommune.'], 400);
    return this.editorAfter(id, user, res, async () => {
      const report = await this.events.sendInvitations(user, id, townIds);
      return this.editor(id, 'invited', user, res, [], 200, report);
    });
  }

  @Post('geschaeftsstelle/veranstaltungen/:id/anwesenheit')
  @Roles('office', 'admin')
  async attendance(
    @UuidParam('id') id: string,
    @Body() body: Record<string, unknown>,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    return this.officeStep(id, user, res, 'attendance', () => this.events.setAttendance(user, id, asList(body.attended)));
  }

  @Post('geschaeftsstelle/veranstaltungen/:id/anmeldungen/:registrationId/abmelden')
  @Roles('office', 'admin')
  async officeCancel(
    @UuidParam('id') id: string,
    @UuidParam('registrationId') registrationId: string,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    return this.officeStep(id, user, res, 'cancelled', () => this.events.cancelRegistration(user, id, registrationId));
  }

  @Get('geschaeftsstelle/veranstaltungen/:id/teilnehmende.csv')
  @Roles('office', 'admin')
  async csv(@UuidParam('id') id: string, @Res() res: Response) {
    const { filename, body } = await this.vm.participantsCsv(id);
    res.type('text/csv; charset=utf-8').attachment(filename).send(body);
  }

  /** A step on the editor, then back to it with ?erledigt=. */
  private officeStep(id: string, user: SessionUser, res: Response, done: string, work: () => Promise<unknown>) {
    return this.editorAfter(id, user, res, async () => {
      await work();
      return res.redirect(303, `/geschaeftsstelle/veranstaltungen/${id}?erledigt=${done}`);
    });
  }

  /** A write on the editor: what it answers, or the editor again with the reason (a missing event is a 404 page). */
  private editorAfter(id: string, user: SessionUser, res: Response, work: () => Promise<unknown>) {
    return rerenderOnDomainError(work, (errors, status) => this.editor(id, undefined, user, res, errors, status), [404]);
  }
}
