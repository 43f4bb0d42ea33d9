import { Body, Controller, Get, Post, Query, Render, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { fieldErrors } from '../common/form.util';
import { AccessibilityFeedbackService } from './accessibility-feedback.service';
import { checkFeedback, FEEDBACK_LIMITS } from './accessibility-feedback.util';
import { ACCESSIBILITY_STATEMENT } from './accessibility-statement';
import { FeedbackRateLimitGuard } from './feedback-rate-limit.guard';
import { LegalTextService } from './legal-text.service';

/** What the service itself does with contact data, shown above the operator's text (true in every installation). */
const SERVICE_PRIVACY_FACTS = [
  'Ihr Profil (Beschreibung, Themen, Herausforderungen, Erfahrungen) sehen andere bestätigte Kommunen nur in dem Umfang, den Sie je Angabe festlegen; Angaben „nur für die Geschäftsstelle“ sieht keine andere Kommune, auch nicht in Begründungen von Vorschlägen.',
  'Kontaktdaten der Ansprechpersonen (Name, Funktion, E-Mail-Adresse und – falls im Konto angegeben – Telefonnummer) sieht eine andere Kommune erst, wenn die Geschäftsstelle ein Tandem Ihrer beiden Kommunen freigegeben hat, und nur diese Partnerkommune (sowie die Geschäftsstelle). Bei der Freigabe erhält die Partnerkommune diese Angaben auch per E-Mail.',
];

@ApiExcludeController()
@Controller()
export class LegalPagesController {
  constructor(
    private readonly texts: LegalTextService,
    private readonly feedback: AccessibilityFeedbackService,
  ) {}

  @Get('impressum')
  @Render('legal')
  impressum() {
    return this.texts.get('impressum');
  }

  @Get('datenschutz')
  @Render('legal')
  privacy() {
    return { ...this.texts.get('privacy'), serviceFacts: SERVICE_PRIVACY_FACTS };
  }

  /** Erklärung zur Barrierefreiheit (BITV 2.0 § 7) with its feedback form (issue 30). */
  @Get('barrierefreiheit')
  statement(@Query('gesendet') sent: string | undefined, @Res() res: Response) {
    return res.render('accessibility', this.statementView({ sent: sent === '1' }));
  }

  @Post('barrierefreiheit')
  @UseGuards(FeedbackRateLimitGuard)
  async sendFeedback(@Body() body: Record<string, unknown>, @Res() res: Response) {
    const { input, errors } = checkFeedback(body ?? {});
    if (errors.length) {
      const view = this.statementView({ form: input, errors, fieldErrors: fieldErrors(errors) });
      return res.status(400).render('accessibility', { ...view, title: `Fehler: ${view.title}` });
    }
    await this.feedback.submit(input);
    return res.redirect(303, '/barrierefreiheit?gesendet=1#rueckmeldung');
  }

  private statementView(extra: Record<string, unknown>) {
    return { title: 'Erklärung zur Barrierefreiheit', statement: ACCESSIBILITY_STATEMENT, limits: FEEDBACK_LIMITS, ...extra };
  }
}
