import { Controller, Get, Render } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { LegalTextService } from './legal-text.service';

/** What the service itself does with contact data, shown above the operator's text (true in every installation). */
export const SERVICE_PRIVACY_FACTS = [
  'Ihr Profil (Beschreibung, Themen, Herausforderungen, Erfahrungen) sehen andere bestätigte Kommunen nur in dem Umfang, den Sie je Angabe festlegen; Angaben „nur für die Geschäftsstelle“ sieht keine andere Kommune, auch nicht in Begründungen von Vorschlägen.',
  'Kontaktdaten der Ansprechpersonen (Name, Funktion, E-Mail-Adresse und – falls im Konto angegeben – Telefonnummer) sieht eine andere Kommune erst, wenn die Geschäftsstelle ein Tandem Ihrer beiden Kommunen freigegeben hat, und nur diese Partnerkommune (sowie die Geschäftsstelle). Bei der Freigabe erhält die Partnerkommune diese Angaben auch per E-Mail.',
];

@ApiExcludeController()
@Controller()
export class LegalPagesController {
  constructor(private readonly texts: LegalTextService) {}

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
}
