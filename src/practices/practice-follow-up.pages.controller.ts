import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser } from '../auth/current-user.decorator';
import type { SessionUser } from '../auth/session-user';
import { DomainError } from '../common/domain-error';
import { formError } from '../common/form.util';
import type { FollowUpRow } from './practice-follow-up.repository';
import { ANSWER_DE, ANSWER_WORD, FOLLOW_UP_ANSWERS, type FollowUpAnswer, parseAnswer } from './practice-follow-up.util';
import { PracticeFollowUpService } from './practice-follow-up.service';

const TITLE = 'Rückmeldung zum Anwendungsbeispiel';
const view = (f: FollowUpRow, chosen: FollowUpAnswer | null) => ({
  f: { ...f, answerLabel: f.answer ? ANSWER_DE[f.answer] : null },
  options: FOLLOW_UP_ANSWERS.map((a) => ({ word: ANSWER_WORD[a], label: ANSWER_DE[a], selected: a === (chosen ?? f.answer) })),
});

// The one-click answer to a follow-up mail (issue 27): the signed link authorises without a sign-in. A GET only shows
// the question with the chosen answer marked (mail scanners open links); the confirming POST records it and carries the
// page's CSRF token like every form.
@ApiExcludeController()
@Controller('methodenkoffer/rueckmeldung')
export class PracticeFollowUpPagesController {
  constructor(private readonly followUps: PracticeFollowUpService) {}

  @Get(':id')
  async confirm(@Param('id') id: string, @Query('s') signature: unknown, @Query('antwort') answer: unknown, @Res() res: Response) {
    try {
      const f = await this.followUps.byLink(id, signature);
      return res.render('practice-follow-up', { title: TITLE, signature, ...view(f, parseAnswer(answer)) });
    } catch (e) {
      return this.refused(res, e);
    }
  }

  @Post(':id')
  @HttpCode(200)
  async record(
    @Param('id') id: string,
    @Query('s') signature: unknown,
    @Body() body: Record<string, unknown>,
    @CurrentUser() user: SessionUser | undefined,
    @Res() res: Response,
  ) {
    try {
      const answer = await this.followUps.answer(id, signature, body?.antwort, user);
      const f = await this.followUps.byLink(id, signature);
      return res.render('practice-follow-up', { title: 'Vielen Dank für Ihre Rückmeldung', done: true, doneLabel: ANSWER_DE[answer], f });
    } catch (e) {
      if (e instanceof DomainError && e.getStatus() === 400 && e.field === 'antwort') {
        const f = await this.followUps.byLink(id, signature);
        return res.status(400).render('practice-follow-up', {
          title: `Fehler: ${TITLE}`,
          signature,
          errors: [formError(e.messageDe, 'antwort-ja')],
          ...view(f, null),
        });
      }
      return this.refused(res, e);
    }
  }

  private refused(res: Response, e: unknown) {
    if (!(e instanceof DomainError)) throw e;
    return res.status(e.getStatus()).render('practice-follow-up', { title: `Fehler: ${TITLE}`, invalid: e.messageDe });
  }
}
