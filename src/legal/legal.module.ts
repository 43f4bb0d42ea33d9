import { Module } from '@nestjs/common';
import { LegalPagesController } from './legal.pages.controller';
import { LegalTextService } from './legal-text.service';

@Module({ controllers: [LegalPagesController], providers: [LegalTextService] })
export class LegalModule {}
