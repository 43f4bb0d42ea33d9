import { Body, Controller, Get, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser } from '../auth/current-user.decorator';
import { Roles } from '../auth/roles.guard';
import type { SessionUser } from '../auth/session-user';
import { DomainError } from '../common/domain-error';
import { asText } from '../common/form.util';
import { isUuid } from '../common/input.util';
import { PAIRING_REASON_MAX, PAIRING_REASON_MIN } from './tandem-pairing.util';
import { TandemPairingViewModel } from './tandem-pairing.view-model';
import { TandemsViewModel } from './tandems.view-model';

const PATH = '/geschaeftsstelle/tandems/paaren';

/**
 * "Tandem außerhalb der Runde vorschlagen": two town pickers (search by name), then the pair's topics, the matcher's
 * reasons and the office's own reason. Works without JavaScript: each search is a GET of this page.
 */
@ApiExcludeController()
@Roles('office', 'admin')
@Controller()
export class TandemPairingPagesController {
  constructor(
    private readonly pairing: TandemPairingViewModel,
    private readonly tandems: TandemsViewModel,
  ) {}

  @Get('geschaeftsstelle/tandems/paaren')
  async form(@Query() query: Record<string, unknown>, @CurrentUser() user: SessionUser, @Res() res: Response) {
    return this.render(res, user, {
      a: asText(query.a),
      b: asText(query.b),
      sucheA: asText(query.sucheA),
      sucheB: asText(query.sucheB),
      erstellt: asText(query.erstellt),
    });
  }

  @Post('geschaeftsstelle/tandems/paaren')
  async pair(@Body() body: Record<string, unknown>, @CurrentUser() user: SessionUser, @Res() res: Response) {
    try {
      const id = await this.pairing.pair(user, {
        townA: asText(body.townA),
        townB: asText(body.townB),
        topic: asText(body.topic),
        reason: asText(body.reason),
      });
      return res.redirect(303, `${PATH}?erstellt=${id}`);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      // The same form again with what was typed and the reason in German; nothing was sent.
      return this.render(
        res,
        user,
        { a: asText(body.townA), b: asText(body.townB), sucheA: '', sucheB: '', erstellt: '' },
        {
          errors: [`Nicht vorgeschlagen: ${err.messageDe}`],
          topic: asText(body.topic),
          reason: asText(body.reason),
          status: err.getStatus(),
        },
      );
    }
  }

  private async render(
    res: Response,
    user: SessionUser,
    q: { a: string; b: string; sucheA: string; sucheB: string; erstellt: string },
    form: { errors: string[]; topic: string; reason: string; status: number } = { errors: [], topic: '', reason: '', status: 200 },
  ) {
    const errors = [...form.errors];
    const search = async (term: string) => {
      try {
        return await this.pairing.search(term);
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        errors.push(err.messageDe);
        return [];
      }
    };
    const [hitsA, hitsB, preview, townA, townB] = await Promise.all([
      search(q.sucheA),
      search(q.sucheB),
      this.pairing.preview(q.a, q.b),
      this.pairing.town(q.a),
      this.pairing.town(q.b),
    ]);
    if (townA && townB && townA.id === townB.id) errors.push('Bitte wählen Sie zwei verschiedene Kommunen.');
    const created = isUuid(q.erstellt) ? await this.created(user, q.erstellt) : null;
    const topic = form.topic || preview?.suggestedTopic || '';
    return res.status(form.status).render('office-tandem-pairing', {
      title: 'Tandem außerhalb der Runde vorschlagen',
      errors,
      created,
      q,
      hitsA: hitsA.map((h) => ({ ...h, selected: h.id === q.a })),
      hitsB: hitsB.map((h) => ({ ...h, selected: h.id === q.b })),
      searchedA: q.sucheA.trim().length >= 2,
      searchedB: q.sucheB.trim().length >= 2,
      chosenA: townA,
      chosenB: townB,
      preview: preview && {
        ...preview,
        topics: preview.topics.map((t) => ({ ...t, selected: t.slug === topic })),
      },
      reason: form.reason,
      reasonMin: PAIRING_REASON_MIN,
      reasonMax: PAIRING_REASON_MAX,
    });
  }

  /** The result: which tandem was created, and who got the proposal mail (or that a town has nobody to receive it). */
  private async created(user: SessionUser, id: string) {
    try {
      const t = await this.tandems.detail(user, id);
      if (t.origin !== 'office_proposal') return null;
      const recipients = await this.pairing.recipients(id);
      return {
        id,
        townA: t.townA.name,
        townB: t.townB.name,
        topicName: t.topicName,
        mails: [t.townA.name, t.townB.name].map((name) => ({
          town: name,
          to: recipients.filter((r) => r.townName === name).map((r) => r.recipient),
        })),
      };
    } catch (err) {
      if (err instanceof DomainError) return null;
      throw err;
    }
  }
}
