import { Body, Controller, Get, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { MailRecipientsRepository } from '../accounts/address-book/mail-recipients.repository';
import { mailReportView } from '../accounts/address-book/town-recipients.util';
import { CurrentUser } from '../auth/current-user.decorator';
import { Roles } from '../auth/roles.guard';
import { isOffice, type SessionUser } from '../auth/session-user';
import { DomainError } from '../common/domain-error';
import { asList, asText } from '../common/form.util';
import { rerenderOnDomainError } from '../common/page-action';
import { renderGermanyMap } from '../maps/germany-map.util';
import { berlinInput } from '../common/berlin-time.util';
import { allowedWorkshopActions, INVITATION_STATE_DE } from './workshop-transitions.util';
import { MAX_TOWNS, MIN_TOWNS } from './workshop-rules.util';
import { WorkshopRepository } from './workshop.repository';
import { WorkshopsService } from './workshops.service';
import { WORKSHOP_ACTION_LABEL, WorkshopsViewModel } from './workshops.view-model';
import { UuidParam } from '../common/uuid-param.decorator';
import { CachedPage } from '../security/page-cache.interceptor';

const DONE: Record<string, string> = {
  accept: 'Sie haben zugesagt. Die Geschäftsstelle wurde informiert.',
  decline: 'Sie haben abgesagt. Die Geschäftsstelle wurde informiert.',
  saved: 'Gespeichert.',
  invited: 'Die Kommune wurde eingeladen.',
  withdrawn: 'Die Einladung ist zurückgenommen.',
  publish: 'Veröffentlicht. Wer die Einladung per E-Mail erhalten hat, steht darunter.',
  close: 'Die Einladungen sind geschlossen.',
  confirm: 'Die Werkstatt ist bestätigt; alle zusagenden Kommunen werden informiert.',
  hold: 'Die Werkstatt ist als durchgeführt vermerkt.',
  document: 'Das Ergebnis ist dokumentiert.',
  cancel: 'Die Werkstatt ist abgesagt; die Kommunen werden informiert.',
};
const STEPS = ['publish', 'close', 'confirm', 'hold', 'document', 'cancel'] as const;
type Step = (typeof STEPS)[number];

// Thin: rules in WorkshopsService, what a page shows in WorkshopsViewModel (shared with the API).
@ApiExcludeController()
@Controller()
export class WorkshopsPagesController {
  constructor(
    private readonly workshops: WorkshopsService,
    private readonly vm: WorkshopsViewModel,
    private readonly repo: WorkshopRepository,
    private readonly mailRecipients: MailRecipientsRepository,
  ) {}

  /** The town's "Werkstätten": invitations to answer, upcoming and past workshops with results. */
  @CachedPage()
  @Get('werkstaetten')
  @Roles()
  async mine(
    @CurrentUser() user: SessionUser,
    @Query('erledigt') done: string | undefined,
    @Res() res: Response,
    errors: string[] = [],
    status = 200,
  ) {
    if (isOffice(user)) return res.redirect(303, '/geschaeftsstelle/werkstaetten');
    const groups = (await this.vm.list(user)) as Exclude<Awaited<ReturnType<WorkshopsViewModel['list']>>, { workshops: unknown }>;
    return res.status(status).render('workshops-mine', {
      title: 'Werkstätten',
      ...groups,
      done: DONE[done ?? ''],
      errors,
      empty: !groups.toAnswer.length && !groups.upcoming.length && !groups.declined.length && !groups.past.length,
    });
  }

  @Post('werkstaetten/:id/antwort')
  @Roles('town_contact')
  async answer(@UuidParam('id') id: string, @Body() body: Record<string, unknown>, @CurrentUser() user: SessionUser, @Res() res: Response) {
    const answer = asText(body.answer);
    if (answer !== 'accept' && answer !== 'decline')
      return this.mine(user, undefined, res, ['Bitte wählen Sie „Zusagen“ oder „Absagen“.'], 400);
    return rerenderOnDomainError(
      async () => {
        await this.workshops.answer(user, id, answer, { reason: asText(body.reason) });
        return res.redirect(303, `/werkstaetten?erledigt=${answer}`);
      },
      (errors, status) => this.mine(user, undefined, res, errors, status),
      [404],
    );
  }

  @CachedPage()
  @Get('geschaeftsstelle/werkstaetten')
  @Roles('office', 'admin')
  officeList(@Query('seite') page: string | undefined, @Query('sortierung') sortierung: unknown, @Res() res: Response) {
    return this.renderList(res, page, [], 200, sortierung);
  }

  private async renderList(res: Response, page: unknown = 1, errors: string[] = [], status = 200, sortierung?: unknown) {
    const [{ workshops, pager, sorts }, topics, proposals] = await Promise.all([
      this.vm.officePage(page, sortierung),
      this.repo.topics(),
      this.repo.currentProposals(),
    ]);
    return res.status(status).render('office-workshops', {
      title: 'Transferwerkstätten',
      workshops,
      sorts,
      pager,
      topics,
      proposals,
      errors,
    });
  }

  @Post('geschaeftsstelle/werkstaetten')
  @Roles('office', 'admin')
  async create(@Body() body: Record<string, unknown>, @CurrentUser() user: SessionUser, @Res() res: Response) {
    return rerenderOnDomainError(
      async () => {
        const input = { runId: asText(body.runId) || null, groupNo: asText(body.groupNo), theme: asText(body.theme) || null };
        const id = await this.workshops.createDraft(user, input);
        return res.redirect(303, `/geschaeftsstelle/werkstaetten/${id}?erledigt=saved`);
      },
      (errors, status) => this.renderList(res, 1, errors, status),
    );
  }

  /** The editor: facts, each town with its experience or challenge on the theme, broken rules, replacements, steps. */
  @CachedPage()
  @Get('geschaeftsstelle/werkstaetten/:id')
  @Roles('office', 'admin')
  async editor(
    @UuidParam('id') id: string,
    @Query('erledigt') done: string | undefined,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
    errors: string[] = [],
    status = 200,
    @Query('suche') search?: string,
  ) {
    // The workshop and its invitations are read once: the detail, the mail report and the replacements share them.
    const rows = await this.vm.load(id);
    const invs = rows.invs;
    // A free place (a decline, a withdrawn invitation, fewer towns than a workshop needs): the best towns to fill it.
    const liveRows = invs.filter((i) => i.state === 'invited' || i.state === 'accepted');
    const hasGap =
      invs.some((i) => i.state === 'declined' || i.state === 'withdrawn') || liveRows.length < MIN_TOWNS || done === 'withdrawn';
    const open = ['draft', 'invited', 'confirmed'].includes(rows.r.state);
    const [detail, mailReport, replacements, topics] = await Promise.all([
      this.vm.detailOf(user, rows),
      // Who got the invitation mail, and which invited town had nobody (issue 25).
      rows.r.state !== 'draft'
        ? this.mailRecipients.report(
            `workshop:${id}:invite`,
            invs.filter((i) => i.state !== 'withdrawn').map((i) => ({ id: i.townId, name: i.name })),
          )
        : undefined,
      open && hasGap && liveRows.length < MAX_TOWNS ? this.workshops.replacements(id, undefined, rows) : [],
      // The topics are only asked for by the "Ergebnis dokumentieren" form (a held workshop).
      allowedWorkshopActions(rows.r.state, 'office').includes('document') ? this.repo.topics() : [],
    ]);
    const w = detail as typeof detail & {
      invitations: ReturnType<WorkshopsViewModel['invitation']>[];
      violations: { messageDe: string }[];
      allowedActions: string[];
      timeline: unknown[];
    };
    const live = w.invitations.filter((i) => i.state === 'invited' || i.state === 'accepted');
    const term = asText(search).trim();
    let hits: Awaited<ReturnType<WorkshopsViewModel['townSearch']>> = [];
    try {
      hits = open && term ? await this.vm.townSearch(id, term) : [];
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      errors = [...errors, err.messageDe];
    }
    const local = w.startsAt ? berlinInput(new Date(w.startsAt)) : '';
    const located = w.invitations.filter((i) => i.state !== 'withdrawn' && i.latitude != null && i.longitude != null);
    // The table of invited towns on the same page carries the same facts for screen readers.
    const map = located.length
      ? renderGermanyMap({
          title: `Eingeladene Kommunen: ${w.title}`,
          description: `Karte Deutschlands mit den ${located.length} eingeladenen Kommunen und ihrer Antwort; dieselben Angaben stehen in der Tabelle.`,
          points: located.map((i) => ({
            latitude: i.latitude!,
            longitude: i.longitude!,
            label: i.name,
            groupKey: i.state,
            emphasis: i.state === 'accepted',
          })),
          groups: (['accepted', 'invited', 'declined'] as const)
            .filter((k) => located.some((i) => i.state === k))
            .map((k) => ({ key: k, label: INVITATION_STATE_DE[k] })),
          idPrefix: 'ws-map',
          linkBase: true,
        })
      : null;
    return res.status(status).render('office-workshop', {
      title: `Werkstatt: ${w.title}`,
      w,
      map,
      local,
      done: DONE[done ?? ''],
      mailReport: mailReportView(mailReport),
      errors,
      replacements,
      townSearch: open ? { term, searched: term.length >= 2, hits } : null,
      withdrawable: open ? live.concat(w.invitations.filter((i) => i.state === 'declined')) : [],
      editable: w.allowedActions.includes('edit'),
      hosts: w.invitations.filter((i) => i.state !== 'withdrawn').map((i) => ({ ...i, selected: i.townId === w.hostTownId })),
      steps: STEPS.filter((s) => w.allowedActions.includes(s) && s !== 'cancel' && s !== 'document').map((s) => ({
        action: s,
        label: WORKSHOP_ACTION_LABEL[s],
      })),
      canCancel: w.allowedActions.includes('cancel'),
      canDocument: w.allowedActions.includes('document'),
      topics,
    });
  }

  @Post('geschaeftsstelle/werkstaetten/:id')
  @Roles('office', 'admin')
  async edit(@UuidParam('id') id: string, @Body() body: Record<string, unknown>, @CurrentUser() user: SessionUser, @Res() res: Response) {
    return this.run(id, user, res, 'saved', () =>
      this.workshops.update(user, id, {
        title: asText(body.title),
        startsAt: asText(body.startsAt),
        durationMinutes: asText(body.durationMinutes),
        format: asText(body.format),
        hostTownId: asText(body.hostTownId) || null,
        address: asText(body.address),
        onlineLink: asText(body.onlineLink),
      }),
    );
  }

  @Post('geschaeftsstelle/werkstaetten/:id/einladen')
  @Roles('office', 'admin')
  async invite(@UuidParam('id') id: string, @Body() body: Record<string, unknown>, @CurrentUser() user: SessionUser, @Res() res: Response) {
    return this.run(id, user, res, 'invited', () => this.workshops.invite(user, id, asText(body.townId)));
  }

  /** One invitation back; the page then offers replacements (a published workshop: the town gets a calendar cancellation). */
  @Post('geschaeftsstelle/werkstaetten/:id/zuruecknehmen')
  @Roles('office', 'admin')
  async withdraw(
    @UuidParam('id') id: string,
    @Body() body: Record<string, unknown>,
    @CurrentUser() user: SessionUser,
    @Res() res: Response,
  ) {
    return this.run(id, user, res, 'withdrawn', () =>
      this.workshops.withdrawInvitation(user, id, asText(body.townId), { reason: asText(body.reason) }),
    );
  }

  @Post('geschaeftsstelle/werkstaetten/:id/schritt')
  @Roles('office', 'admin')
  async step(@UuidParam('id') id: string, @Body() body: Record<string, unknown>, @CurrentUser() user: SessionUser, @Res() res: Response) {
    const action = asText(body.action) as Step;
    if (!STEPS.includes(action)) return this.editor(id, undefined, user, res, ['Bitte wählen Sie einen Schritt aus.'], 400);
    return this.run(id, user, res, action, () =>
      action === 'publish'
        ? this.workshops.publish(user, id)
        : this.workshops.act(user, id, action, {
            reason: asText(body.reason),
            result:
              action === 'document'
                ? { presented: asText(body.presented), willTry: asText(body.willTry), topics: asList(body.topics) }
                : undefined,
          }),
    );
  }

  /** A step on the editor, then back to it with ?erledigt=; on a refusal the editor again (a missing workshop: 404 page). */
  private run(id: string, user: SessionUser, res: Response, done: string, work: () => Promise<unknown>) {
    return rerenderOnDomainError(
      async () => {
        await work();
        return res.redirect(303, `/geschaeftsstelle/werkstaetten/${id}?erledigt=${done}`);
      },
      (errors, status) => this.editor(id, undefined, user, res, errors, status),
      [404],
    );
  }
}
