import { Body, Controller, Get, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import hbs from 'hbs';
import { CurrentUser } from '../auth/current-user.decorator';
import { Roles } from '../auth/roles.guard';
import type { SessionUser } from '../auth/session-user';
import { DomainError } from '../common/domain-error';
import { MatchingService } from './matching.service';
import { MatchingViewModel, WEIGHT_KEYS } from './matching.view-model';
import { CachedPage } from '../security/page-cache.interceptor';

const WEIGHTS_INVALID_DE =
  'Bitte geben Sie für jedes Gewicht einen Anteil zwischen 0 und 100 Prozent an (mindestens eines größer als 0) und eine Entfernung zwischen 10 und 1.000 km.';

type FormBody = Record<string, string | undefined>;

/**
 * The round's rows (25 pairs with reasons: most of the page's markup) are the same for every office user and never
 * change for a done run, whose section the view model keeps per run and page: they are rendered once per section
 * object and kept as long as it is (WeakMap), with a slot where each request puts the viewer's own CSRF token.
 */
const CSRF_SLOT = 'kt-csrf-slot-9d41b7';
const renderedRows = new WeakMap<object, string>();
let rowsTemplate: HandlebarsTemplateDelegate | undefined;

function roundRowsHtml(round: { pairs: unknown[] } | null, csrfToken: string): string {
  if (!round) return '';
  let html = renderedRows.get(round);
  if (html === undefined) {
    rowsTemplate ??= hbs.handlebars.compile('{{> office_matching_round_rows}}');
    html = rowsTemplate({ pairs: round.pairs, csrfToken: CSRF_SLOT });
    renderedRows.set(round, html);
  }
  return html.split(CSRF_SLOT).join(hbs.handlebars.escapeExpression(csrfToken));
}

type OfficeModel = Awaited<ReturnType<MatchingViewModel['officePage']>>;
function renderOffice(res: Response, model: OfficeModel) {
  // The request's one token (csrf.middleware.ts makes it once per request), in the kept rows and in the page's forms.
  const csrfToken = String(res.locals.csrfToken);
  return res.render('office-matching', { ...model, roundRowsHtml: roundRowsHtml(model.round, csrfToken) });
}

@ApiExcludeController()
@Controller()
export class MatchingPagesController {
  constructor(
    private readonly matching: MatchingService,
    private readonly views: MatchingViewModel,
  ) {}

  @CachedPage()
  @Get('vorschlaege')
  @Roles('town_contact')
  async suggestions(@CurrentUser() user: SessionUser, @Res() res: Response) {
    return res.render('suggestions', await this.views.suggestionsPage(user));
  }

  @CachedPage()
  @Get('geschaeftsstelle/matching')
  @Roles('office', 'admin')
  async office(
    @Query('thema') theme: string | undefined,
    @Query('gestartet') started: string | undefined,
    @Query('gewichte') saved: string | undefined,
    @Query('seite') page: string | undefined,
    @Res() res: Response,
  ) {
    const model = await this.views.officePage({ theme, page: Number(page) || 1, started: started === '1', weightsSaved: saved === '1' });
    return renderOffice(res, model);
  }

  @Post('geschaeftsstelle/matching')
  @Roles('office', 'admin')
  async start(@Body() body: FormBody, @CurrentUser() user: SessionUser, @Res() res: Response) {
    try {
      if (body.action === 'workshops') {
        await this.matching.startRun('workshops', {
          trigger: 'office',
          actorId: user.id,
          theme: body.theme,
          params: { minSize: 4, maxSize: 6 },
        });
        return res.redirect(303, `/geschaeftsstelle/matching?gestartet=1&thema=${encodeURIComponent(body.theme ?? '')}`);
      }
      const kind = body.action === 'tandem_round' ? 'tandem_round' : 'suggestions';
      await this.matching.startRun(kind, { trigger: 'office', actorId: user.id });
      return res.redirect(303, '/geschaeftsstelle/matching?gestartet=1');
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      return renderOffice(res.status(err.getStatus()), await this.views.officePage({ errors: [err.messageDe] }));
    }
  }

  /** The scoring weights as a form in percent (0..100), stored as 0..1 and checked by the same validation as the API. */
  @Post('geschaeftsstelle/matching/gewichte')
  @Roles('office', 'admin')
  async saveWeights(@Body() body: FormBody, @CurrentUser() user: SessionUser, @Res() res: Response) {
    const patch: Record<string, unknown> = Object.fromEntries(
      WEIGHT_KEYS.map((key) => [
        key,
        body[key] === undefined || body[key] === '' ? NaN : Number(String(body[key]).replace(',', '.').replace(/\s*%$/, '')) / 100,
      ]),
    );
    patch.distancePreference = body.distancePreference === 'near' ? 'near' : 'none';
    patch.nearKm = Number(body.nearKm);
    // A checkbox sends nothing when unticked.
    patch.requireTopicalBasis = body.requireTopicalBasis === '1';
    try {
      await this.matching.setWeights(user, patch);
      return res.redirect(303, '/geschaeftsstelle/matching?gewichte=1');
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      return renderOffice(res.status(err.getStatus()), await this.views.officePage({ errors: [WEIGHTS_INVALID_DE] }));
    }
  }
}
