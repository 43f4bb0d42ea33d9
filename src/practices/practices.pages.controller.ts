import { Body, Controller, Get, Inject, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser } from '../auth/current-user.decorator';
import { Roles } from '../auth/roles.guard';
import { isOffice, type SessionUser } from '../auth/session-user';
import { DomainError } from '../common/domain-error';
import { formError, type FormError } from '../common/form.util';
import { pager } from '../common/paging.util';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { practiceEditView, practiceQueryHref } from './practice-page.util';
import { fromForm } from './practice-input.util';
import { PAGE_QUERY_NAMES } from './practice-search.util';
import { COMMENT_LIMITS, PracticeInputError, PracticesService, type PracticeSource } from './practices.service';
import { PracticesViewModel } from './practices.view-model';
import { UuidParam } from '../common/uuid-param.decorator';

const DONE: Record<string, string> = {
  gespeichert: 'Ihr Entwurf ist gespeichert.',
  eingereicht: 'Ihr Anwendungsbeispiel liegt jetzt der Geschäftsstelle zur Prüfung vor. Sie erhalten eine E-Mail, sobald es geprüft ist.',
  angelegt: 'Der Entwurf ist angelegt und mit dem vorbefüllt, was schon bekannt ist. Ergänzen Sie ihn und reichen Sie ihn ein.',
  vorhanden: 'Zu dieser Quelle gibt es schon einen Entwurf Ihrer Kommune; hier ist er.',
  'aus-veranstaltung':
    'Der Entwurf ist angelegt, vorbefüllt aus der Veranstaltung (Titel, Ergebnisse, Themen). Die Kommune ergänzt ihn unter „Anwendungsbeispiele Ihrer Kommune“ und reicht ihn ein.',
  'veranstaltung-vorhanden': 'Zu dieser Veranstaltung gibt es schon einen Methodenkoffer-Entwurf; hier ist er.',
  veroeffentlicht: 'Das Anwendungsbeispiel ist veröffentlicht. Die Ansprechpersonen der Kommune wurden per E-Mail informiert.',
  zurueckgegeben:
    'Das Anwendungsbeispiel ist mit Ihrem Hinweis an die Kommune zurückgegeben; ihre Ansprechpersonen wurden per E-Mail informiert.',
};
const sendFile = (res: Response, type: string, name: string, body: string) => {
  res.setHeader('Content-Type', `${type}; charset=utf-8`);
  res.setHeader(
    'Content-Disposition',
    `attachment; filename="${name}-${new Date().toISOString().slice(0, 10)}.${type.endsWith('csv') ? 'csv' : 'json'}"`,
  );
  res.send(body);
};

// Thin: rules in PracticesService, what a page shows in PracticesViewModel (shared with the API).
@ApiExcludeController()
@Controller()
export class PracticesPagesController {
  constructor(
    private readonly practices: PracticesService,
    private readonly vm: PracticesViewModel,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('methodenkoffer')
  async list(@Query() q: Record<string, unknown>, @CurrentUser() user: SessionUser | undefined, @Res() res: Response) {
    const choices = await this.vm.choices();
    const methods = await this.vm.methods();
    const base = { title: 'Methodenkoffer', choices, methods, form: q, canWrite: !!user?.townId && !isOffice(user) };
    try {
      const found = await this.vm.search(user, q, PAGE_QUERY_NAMES);
      const p = pager(
        { page: found.page, pages: found.pages, limit: 20, total: found.total, offset: 0, from: found.from, to: found.to },
        (page) => practiceQueryHref(q, page),
        'Anwendungsbeispiele',
        'Seiten der Trefferliste',
      );
      return res.render('practices-list', { ...base, ...found, pager: p, searched: Object.values(q).some((v) => v) });
    } catch (e) {
      if (!(e instanceof DomainError) || e.getStatus() !== 400) throw e;
      return res.status(400).render('practices-list', {
        ...base,
        title: 'Fehler: Methodenkoffer',
        errors: [formError(e.messageDe, e.field ? `f-${e.field}` : undefined)],
        items: [],
      });
    }
  }

  @Get('methodenkoffer/export.csv')
  async exportCsv(@Res() res: Response) {
    return sendFile(res, 'text/csv', 'methodenkoffer', await this.vm.exportCsv(this.config.appUrl));
  }

  @Get('methodenkoffer/export.json')
  async exportJson(@Res() res: Response) {
    return sendFile(res, 'application/json', 'methodenkoffer', JSON.stringify(await this.vm.exportJson(this.config.appUrl), null, 2));
  }

  @Get('methodenkoffer/eigene')
  @Roles('town_contact')
  async mine(@CurrentUser() user: SessionUser, @Res() res: Response) {
    return res.render('practices-mine', { title: 'Anwendungsbeispiele Ihrer Kommune', items: await this.vm.mine(user) });
  }

  @Post('methodenkoffer/neu')
  @Roles('town_contact')
  newDraft(@CurrentUser() user: SessionUser, @Res() res: Response) {
    return this.draft(user, { origin: 'own' }, res);
  }

  @Post('methodenkoffer/aus-tandem/:tandemId')
  @Roles('town_contact')
  fromTandem(@UuidParam('tandemId') tandemId: string, @CurrentUser() user: SessionUser, @Res() res: Response) {
    return this.draft(user, { origin: 'tandem', tandemId }, res);
  }

  @Post('methodenkoffer/aus-werkstatt/:workshopId')
  @Roles('town_contact')
  fromWorkshop(@UuidParam('workshopId') workshopId: string, @CurrentUser() user: SessionUser, @Res() res: Response) {
    return this.draft(user, { origin: 'workshop', workshopId }, res);
  }

  private async draft(user: SessionUser, source: PracticeSource, res: Response) {
    const { id, created } = await this.practices.createDraft(user, source);
    return res.redirect(303, `/methodenkoffer/${id}/bearbeiten?erledigt=${created ? 'angelegt' : 'vorhanden'}`);
  }

  @Get('methodenkoffer/:id')
  async detail(
    @UuidParam('id') id: string,
    @Query('erledigt') done: string | undefined,
    @CurrentUser() user: SessionUser | undefined,
    @Res() res: Response,
  ) {
    return this.renderDetail(res, user, id, { done: DONE[done ?? ''] });
  }

  private async renderDetail(res: Response, user: SessionUser | undefined, id: string, extra: Record<string, unknown>, status = 200) {
    const d = await this.vm.detail(user, id);
    const title = d.published?.title || d.working?.title || 'Anwendungsbeispiel';
    return res.status(status).render('practice-detail', {
      title,
      d,
      earlier: d.history.slice(1),
      isOfficeView: isOffice(user),
      canReview: isOffice(user) && d.working?.state === 'submitted',
      canEdit: !!d.working?.actions.includes('edit'),
      commentLimits: COMMENT_LIMITS,
      signedIn: !!user,
      ...extra,
    });
  }

  @Get('methodenkoffer/:id/bearbeiten')
  @Roles('town_contact')
  async editForm(
    @UuidParam('id') id: string,
    @Query('erledigt') done: string | undefined,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    const form = await this.vm.editForm(user, id);
    return res.render('practice-edit', { ...practiceEditView(form, form.input), done: DONE[done ?? ''] });
  }

  @Post('methodenkoffer/:id/bearbeiten')
  @Roles('town_contact')
  async save(@UuidParam('id') id: string, @Body() body: Record<string, unknown>, @CurrentUser() user: SessionUser, @Res() res: Response) {
    try {
      await this.practices.update(user, id, body ?? {}, 'form');
      if (body?.action === 'einreichen') {
        await this.practices.submit(user, id);
        return res.redirect(303, `/methodenkoffer/${id}?erledigt=eingereicht`);
      }
      return res.redirect(303, `/methodenkoffer/${id}/bearbeiten?erledigt=gespeichert`);
    } catch (e) {
      if (!(e instanceof PracticeInputError)) throw e;
      const form = await this.vm.editForm(user, id);
      const errors: FormError[] = e.problems.map((p) => formError(p.de, `p-${p.field}`));
      const view = practiceEditView(form, fromForm(body ?? {}));
      return res.status(400).render('practice-edit', { ...view, title: `Fehler: ${view.title}`, errors });
    }
  }

  @Get('geschaeftsstelle/methodenkoffer')
  @Roles('office', 'admin')
  async reviewQueue(@Query('erledigt') done: string | undefined, @Res() res: Response) {
    return res.render('office-practices', { title: 'Methodenkoffer: Prüfung', items: await this.vm.reviewQueue(), done: DONE[done ?? ''] });
  }

  @Post('geschaeftsstelle/methodenkoffer/:id/pruefung')
  @Roles('office', 'admin')
  async review(@UuidParam('id') id: string, @Body() body: Record<string, unknown>, @CurrentUser() user: SessionUser, @Res() res: Response) {
    const decision = body?.decision;
    try {
      if (decision === 'publish') await this.practices.publish(user, id);
      else if (decision === 'return') await this.practices.returnToTown(user, id, body?.comment);
      else
        throw new DomainError(
          400,
          'invalid_decision',
          'decision must be publish or return',
          'Bitte wählen Sie: veröffentlichen oder zurückgeben.',
          'decision',
        );
    } catch (e) {
      if (!(e instanceof DomainError) || e.getStatus() !== 400) throw e;
      const errors = [formError(e.messageDe, e.field === 'comment' ? 'review-comment' : undefined)];
      return this.renderDetail(res, user, id, { errors, comment: typeof body?.comment === 'string' ? body.comment : '' }, 400);
    }
    return res.redirect(303, `/geschaeftsstelle/methodenkoffer?erledigt=${decision === 'publish' ? 'veroeffentlicht' : 'zurueckgegeben'}`);
  }
}
