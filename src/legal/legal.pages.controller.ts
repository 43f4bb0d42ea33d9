import { Controller, Get, Render } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { LegalTextService } from './legal-text.service';

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
    return this.texts.get('privacy');
  }
}
