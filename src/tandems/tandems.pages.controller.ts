import { Body, Controller, Get, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser } from '../auth/current-user.decorator';
import { Roles } from '../auth/roles.guard';
import { isOffice, type SessionUser } from '../auth/session-user';
import { DomainError, townNotFound } from '../common/domain-error';
import { asList, asText } from '../common/form.util';
import { rerenderOnDomainError } from '../common/page-action';
import { pickSort, sortOptions, sortQuery, TANDEM_SORTS } from '../common/list-sort.util';
import { pager } from '../common/paging.util';
import { MailRecipientsRepository } from '../accounts/address-book/mail-recipients.repository';
import { mailReportView, mergeReports, type MailReport } from '../accounts/address-book/town-recipients.util';
import { MatchingViewModel } from '../matching/matching.view-model';
import { TandemProposalsService } from './tandem-proposals.service';
import { TandemsService } from './tandems.service';
import { ACTION_LABEL, STATE_FILTERS, TandemsViewModel } from './tandems.view-model';
import { TANDEM_ACTIONS, TandemAction } from './core/tandem-transitions.util';
import { UuidParam } from '../common/uuid-param.decorator';
import { CachedPage } from '../security/page-cache.interceptor';

const DONE: Record<string, string> = {
  requested: 'Ihre Anfrage wurde gesendet. Die angefragte Kommune wurde per E-Mail informiert.',
  proposed: 'Der Vorschlag ist angelegt. Wer ihn per E-Mail erhalten hat, steht darunter.',
  accept: 'Sie haben angenommen. Die Beteiligten wurden per E-Mail informiert.',
  decline: 'Sie haben abgelehnt. Die Beteiligten wurden per E-Mail informiert.',
  withdraw: 'Zurückgezogen. Die Beteiligten wurden per E-Mail informiert.',
  approve: 'Das Tandem ist freigegeben. Beide Kommunen wurden per E-Mail informiert.',
  reject: 'Das Tandem wurde zurückgewiesen. Beide Kommunen wurden per E-Mail informiert.',
  start: 'Das Tandem ist jetzt aktiv.',
  conclude: 'Das Tandem ist abgeschlossen. Vielen Dank für Ihr Ergebnis.',
  ergebnis:
    'Vielen Dank für Ihr Ergebnis. Das Tandem wird abgeschlossen, sobald die Partnerkommune ihres eingetragen hat (spätestens zur genannten Frist).',
  cancel: 'Das Tandem wurde vorzeitig beendet.',
  passt: 'Danke! Die Geschäftsstelle sieht, dass Ihr Tandem passt.',
  'passt-nicht': 'Das Tandem ist beendet. Ihr Platz ist wieder frei; neue Partnervorschläge werden gerade berechnet.',
  treffen: 'Das Treffen ist eingetragen. Beide Kommunen und die Geschäftsstelle sehen es im Verlauf der Treffen.',
};
const PAGE_ACTIONS: readonly TandemAction[] = TANDEM_ACTIONS.filter((a) => a !== 'expire' && a !== 'not_a_fit');
const sentText = (n: number) =>
  n === 0 ? 'Es wurde kein Vorschlag versendet.' : n === 1 ? '1 Vorschlag wurde versendet.' : `${n} Vorschläge wurden versendet.`;

// Thin: rules in TandemsService, what a page shows in TandemsViewModel (shared with the API).
@ApiExcludeController()
@Controller()
export class TandemsPagesController {
  constructor(
    private readonly tandems: TandemsService,
    private readonly proposals: TandemProposalsService,
    private readonly vm: TandemsViewModel,
    private readonly matchingViews: MatchingViewModel,
    private readonly mailRecipients: MailRecipientsRepository,
  ) {}

  @CachedPage()
  @Get('tandems')
  @Roles()
  async mine(@CurrentUser() user: SessionUser, @Query('ausgeblendet') hidden: string | undefined, @Res() res: Response) {
    if (isOffice(user)) return res.redirect(303, '/geschaeftsstelle/tandems');
    const [groups, hiddenTowns] = await Promise.all([this.vm.mine(user), this.tandems.dismissed(user)]);
    return res.render('tandems-mine', {
      title: 'Meine Tandems',
      ...groups,
      dismissed: hidden === '1',
      restored: hidden === 'zurueck',
      hiddenTowns,
      empty: !Object.values(groups).some((g) => g.length),
    });
  }

  /** Undo "Kein Interesse": the town may be suggested again. */
  @Post('tandems/wieder-anzeigen/:partnerId')
  @Roles('town_contact')
  async restore(@UuidParam('partnerId') partnerId: string, @CurrentUser() user: SessionUser, @Res() res: Response) {
    await this.tandems.undoDismissal(user, partnerId);
    return res.redirect(303, '/tandems?ausgeblendet=zurueck');
  }

  @Get('tandems/anfragen/:partnerId')
  @Roles('town_contact')
  async requestForm(
    @UuidParam('partnerId') partnerId: string,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
    form: Record<string, string> = {},
    errors: string[] = [],
    status = 200,
  ) {
    const data = await this.vm.requestForm(user, partnerId);
    if (!data) throw townNotFound();
    // The suggested topic is preselected; after a refused send the form keeps what was chosen ('' = later).
    const chosen = form.topic !== undefined ? form.topic : data.suggestedTopic;
    const topics = data.topics.map((t) => ({ ...t, selected: t.slug === chosen }));
    return res
      .status(status)
      .render('tandem-request', { title: `Tandem mit ${data.partner.name} anfragen`, ...data, topics, form, errors });
  }

  @Post('tandems/anfragen/:partnerId')
  @Roles('town_contact')
  async request(
    @UuidParam('partnerId') partnerId: string,
    @Body() body: Record<string, unknown>,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    return rerenderOnDomainError(
      async () => {
        const id = await this.tandems.request(user, partnerId, { topic: body.topic, message: body.message });
        return res.redirect(303, `/tandems/${id}?erledigt=requested`);
      },
      (errors, status) =>
        this.requestForm(partnerId, user, res, { topic: asText(body.topic), message: asText(body.message) }, errors, status),
    );
  }

  @Post('tandems/kein-interesse/:partnerId')
  @Roles('town_contact')
  async dismiss(@UuidParam('partnerId') partnerId: string, @CurrentUser() user: SessionUser, @Res() res: Response) {
    await this.tandems.dismissSuggestion(user, partnerId);
    return res.redirect(303, '/tandems?ausgeblendet=1');
  }

  /** The answer page: what the tandem is, who waits for whom, the steps the viewer may take, and the timeline. */
  @CachedPage()
  @Get('tandems/:id')
  @Roles()
  async detail(
    @UuidParam('id') id: string,
    @Query('erledigt') done: string | undefined,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
    errors: string[] = [],
    status = 200,
    form: Record<string, unknown> = {},
    mailReport?: MailReport,
  ) {
    const t = await this.vm.detail(user, id);
    // The office reads who got the proposal mail, and which town had nobody (issue 25).
    mailReport ??=
      isOffice(user) && t.origin === 'office_proposal'
        ? ((await this.mailRecipients.report(`tandem:${id}:proposed:`, [t.townA, t.townB])) ?? undefined)
        : undefined;
    const title = t.partnerName ? `Tandem mit ${t.partnerName}` : `Tandem ${t.townA.name} – ${t.townB.name}`;
    const resultTopics = asList(form.topics);
    return res.status(status).render('tandem-detail', {
      title,
      t,
      done: DONE[done ?? ''],
      errors,
      form,
      topicChoices: t.topicChoices.map((c) => ({ ...c, checked: resultTopics.includes(c.slug) })),
      // The office concludes (after the result deadline) with a plain button; towns give their result in the form.
      simpleActions: t.actions.filter((a) => !a.needsReason && (a.action !== 'conclude' || isOffice(user)) && a.action !== 'accept'),
      canAccept: t.allowedActions.includes('accept'),
      reasonActions: t.actions.filter((a) => a.needsReason),
      canConclude: t.allowedActions.includes('conclude') && !isOffice(user),
      ratingChoices: [1, 2, 3, 4, 5],
      isOfficeView: isOffice(user),
      mailReport: mailReportView(mailReport),
    });
  }

  @Post('tandems/:id/schritt')
  @Roles()
  async step(@UuidParam('id') id: string, @Body() body: Record<string, unknown>, @CurrentUser() user: SessionUser, @Res() res: Response) {
    const action = asText(body.action) as TandemAction;
    if (!PAGE_ACTIONS.includes(action)) return this.detail(id, undefined, user, res, ['Bitte wählen Sie einen Schritt aus.'], 400, body);
    const work = async () => {
      const reasonField = body[`reason_${action}`] ?? body.reason;
      const state = await this.tandems.act(user, id, action, {
        reason: reasonField == null ? undefined : asText(reasonField),
        message: body.message == null ? undefined : asText(body.message),
        result:
          action === 'conclude'
            ? {
                tried: asText(body.tried),
                learnt: asText(body.learnt),
                topics: asList(body.topics),
                adoption: asText(body.adoption),
                rating: asText(body.rating),
                mayPublish: asText(body.mayPublish),
              }
            : undefined,
      });
      const done = action === 'conclude' && state !== 'concluded' ? 'ergebnis' : action;
      return res.redirect(303, `/tandems/${id}?erledigt=${done}`);
    };
    // The reason names the step it refused.
    const again = (_: string[], status: number, err: DomainError) =>
      this.detail(id, undefined, user, res, [`${ACTION_LABEL[action]}: ${err.messageDe}`], status, body);
    return rerenderOnDomainError(work, again, [404]);
  }

  /** The fit check's answer: "passt" or "passt nicht" (with an optional reason). */
  @Post('tandems/:id/passung')
  @Roles('town_contact')
  async fit(@UuidParam('id') id: string, @Body() body: Record<string, unknown>, @CurrentUser() user: SessionUser, @Res() res: Response) {
    return rerenderOnDomainError(
      async () => {
        const state = await this.tandems.answerFit(user, id, { fits: asText(body.fits), reason: asText(body.fitReason) });
        return res.redirect(303, `/tandems/${id}?erledigt=${state === 'not_a_fit' ? 'passt-nicht' : 'passt'}`);
      },
      (errors, status) => this.detail(id, undefined, user, res, errors, status, body),
      [404],
    );
  }

  @CachedPage()
  @Get('geschaeftsstelle/tandems')
  @Roles('office', 'admin')
  async officeList(
    @Query('zustand') state: string | undefined,
    @Query('versendet') sent: string | undefined,
    @Query('seite') page: string | undefined,
    @Query('sortierung') sortierung: unknown,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
    skipped: { towns: string; reason: string }[] = [],
    mailReport?: MailReport,
  ) {
    const list = await this.vm.officeList(user, state, page, undefined, sortierung);
    const sort = pickSort(TANDEM_SORTS, list.sort)!;
    const filter = (STATE_FILTERS.some((f) => f.value === state) ? `zustand=${state}&` : '') + sortQuery(TANDEM_SORTS, sort);
    const n = sent != null ? Number(sent) || 0 : null;
    return res.render('office-tandems', {
      title: 'Alle Tandems',
      items: list.items,
      pager: pager(list, (p) => `/geschaeftsstelle/tandems?${filter}seite=${p}`, 'Tandems', 'Seiten der Tandemliste'),
      filters: STATE_FILTERS.map((f) => ({ ...f, selected: f.value === state })),
      sorts: sortOptions(TANDEM_SORTS, sort),
      sentText: n == null ? null : sentText(n),
      skipped,
      mailReport: mailReportView(mailReport),
    });
  }

  @CachedPage()
  @Get('geschaeftsstelle/tandems/freigaben')
  @Roles('office', 'admin')
  async approvals(@Query('seite') page: string | undefined, @CurrentUser() user: SessionUser, @Res() res: Response) {
    const queue = await this.vm.approvalQueue(user, page);
    return res.render('office-tandem-approvals', {
      title: 'Tandems zur Freigabe',
      items: queue.items,
      pager: pager(queue, (n) => `/geschaeftsstelle/tandems/freigaben?seite=${n}`, 'Tandems', 'Seiten der Freigabe-Warteschlange'),
    });
  }

  /** "Vorschläge versenden" on the round page: one pair (townA, townB) or, with scope=round, the whole round. */
  @Post('geschaeftsstelle/tandems/vorschlaege')
  @Roles('office', 'admin')
  async propose(@Body() body: Record<string, string>, @CurrentUser() user: SessionUser, @Res() res: Response) {
    try {
      if (body.scope === 'round') {
        const outcomes = await this.proposals.proposeRound(user);
        const result = await this.vm.roundProposalResult(outcomes);
        // The list of proposals, naming who got the mails and which towns had nobody (issue 25), and the pairs left out.
        const report = mergeReports(outcomes.map((o) => ({ recipients: o.recipients ?? [], unreachableTowns: o.unreachableTowns ?? [] })));
        return this.officeList('proposed', String(result.sent), undefined, undefined, user, res.status(200), result.skipped, report);
      }
      const out = await this.proposals.propose(user, String(body.townA ?? ''), String(body.townB ?? ''));
      return res.redirect(303, `/tandems/${out.tandemId}?erledigt=proposed`);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      // Back on the round page with the reason in German; nothing was changed or sent.
      return res
        .status(err.getStatus())
        .render('office-matching', await this.matchingViews.officePage({ errors: [`Vorschlag nicht versendet: ${err.messageDe}`] }));
    }
  }
}
